import { alertId, type AlertEvent } from '../../common/alert-types';

/** The JSON body of one alert POST (docs/contract.md §10). */
export interface WebhookBody {
  readonly id: string;
  readonly event: AlertEvent;
  readonly export: string;
  readonly date: string;
  readonly reason: string;
  readonly workflowId: string;
  readonly webUi: string;
  readonly at: string;
  readonly text: string;
}

const HEADLINE: Record<AlertEvent, string> = {
  failed: 'failed',
  late: 'is late',
  recovered: 'recovered: delivered',
};

/** Slack shows `text` as it is; one line, so a reason with line breaks is folded and a long one cut. */
function oneLine(s: string, max = 300): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The body for `event` of export `exportName`'s day `date`: structured fields plus a human line in `text`. */
export function webhookBody(e: {
  readonly exportName: string;
  readonly date: string;
  readonly event: AlertEvent;
  readonly reason: string;
  readonly workflowId: string;
  readonly webUi: string;
  readonly at: string;
}): WebhookBody {
  const reason = oneLine(e.reason);
  return {
    id: alertId(e.exportName, e.date, e.event),
    event: e.event,
    export: e.exportName,
    date: e.date,
    reason,
    workflowId: e.workflowId,
    webUi: e.webUi,
    at: e.at,
    text: `agent-metrics ${e.exportName} ${e.date} ${HEADLINE[e.event]}: ${reason} (${e.webUi})`,
  };
}
