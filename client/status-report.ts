import type { Client } from '@temporalio/client';
import type { Services } from '../lib/services';
import { readDayStatuses, type StatusTemplate } from '../lib/days/day-status';
import type { TemporalSettings } from '../lib/config';
import type { DayState } from '../common/day-state';
import { dayWorkflowId } from '../common/workflow-ids';
import { workflowUiUrl } from '../lib/temporal-connection';
import { count, renderTable } from './table';

/** One day of `npm run status`, as --json prints it. */
export interface StatusRow {
  /** The export the day belongs to (docs/contract.md §11). */
  readonly export: string;
  readonly date: string;
  readonly state: DayState;
  readonly detail: string;
  /** Agent rows of the delivered file (from its manifest). */
  readonly agents: number | null;
  /** Rows of the day in the source table now. */
  readonly sourceRows: number;
  /** Rows the delivered file was computed from (differs from sourceRows when stale). */
  readonly exportedSourceRows: number | null;
  readonly generatedAt: string | null;
  readonly csvUri: string | null;
  readonly workflowId: string;
  readonly runId: string | null;
  readonly lastRunStatus: string | null;
  readonly webUi: string | null;
  /** The data-quality warning the delivered file carries (DQ_MODE=warn, docs/contract.md §9). */
  readonly dataQualityWarning: string | null;
}

/** Each day's state: one fingerprint query for the whole range, manifests and latest runs a few at a time. */
export async function collectStatus(
  deps: Services,
  temporal: Client,
  settings: TemporalSettings,
  days: readonly string[],
  template: StatusTemplate,
): Promise<StatusRow[]> {
  const statuses = await readDayStatuses(deps, temporal, { days, template });
  return statuses.map((s) => {
    const workflowId = dayWorkflowId(template.exportName, s.date);
    const runId =
      s.lastRun?.runId ?? (s.delivery.manifest?.workflowId === workflowId ? s.delivery.manifest.runId : undefined);
    return {
      export: template.exportName,
      date: s.date,
      state: s.state,
      detail: s.detail,
      agents: s.delivery.manifest?.agentRows ?? null,
      sourceRows: s.sourceRows,
      exportedSourceRows: s.delivery.manifest?.sourceRows ?? null,
      generatedAt: s.delivery.manifest?.generatedAt ?? null,
      csvUri: s.delivery.manifest?.csvUri ?? null,
      workflowId,
      runId: runId ?? null,
      lastRunStatus: s.lastRun?.status ?? null,
      webUi: runId ? workflowUiUrl(settings, workflowId, runId) : null,
      dataQualityWarning: s.delivery.manifest?.dqWarning ?? null,
    };
  });
}

/** The table `npm run status` prints, then a note per day that is not verified. */
export function renderStatus(rows: readonly StatusRow[]): string {
  const table = renderTable(
    ['date', 'state', 'agents', 'source rows', 'generated', 'workflow', 'web UI'],
    rows.map((r) => [
      r.date,
      r.state,
      count(r.agents ?? undefined),
      count(r.sourceRows),
      r.generatedAt ? r.generatedAt.replace(/\.\d+Z$/, 'Z') : '-',
      r.workflowId,
      r.webUi ?? '-',
    ]),
    ['agents', 'source rows'],
  );
  const tally = new Map<DayState, number>();
  for (const r of rows) tally.set(r.state, (tally.get(r.state) ?? 0) + 1);
  const summary = [...tally.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  const notes = rows
    .filter((r) => r.state !== 'verified' || r.dataQualityWarning)
    .map((r) => `  ${r.date} ${r.state}: ${r.detail}`);
  return `${table}\n${rows.length} days: ${summary}\n${notes.length > 0 ? `${notes.join('\n')}\n` : ''}`;
}
