import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { deliveryDeadline } from '../../lib/alerts/deadline-time';
import type { Services } from '../../lib/services';
import { checkedInput } from '../checked-input';
import { failFast } from '../fail-fast';
import { withWatchedQuery } from '../watched-query';
import { dayFacts } from './day-facts';
import { reportDay, type ReportDayInput } from './report-day';
import { sendAlert, type AlertTarget, type SendAlertInput } from './send-alert';
import type { DayAlertsInput } from '../../common/alert-types';

export type { AlertTarget } from './send-alert';

/** No webhook for any export: alerts are off (a worker without ALERT_WEBHOOK_URL, most tests). */
const NO_ALERTS: AlertTarget = { webhookUrl: () => undefined, webUi: (id) => id };

/**
 * The activities of alerts (docs/contract.md §10): a day's run reports to its alerts workflow; that workflow finds
 * the deadline, looks at the day when it passes and sends events. `deps.alerts` holds the worker's webhook lookup.
 */
export function createAlertActivities(deps: Services & { temporal?: Client; alerts?: AlertTarget }) {
  const target = deps.alerts ?? NO_ALERTS;
  const temporal = () => deps.temporal ?? Context.current().client;
  return {
    reportDay: (input: ReportDayInput) =>
      failFast(() =>
        reportDay(temporal(), target.webhookUrl(input.exportName) !== undefined, checkedInput('reportDay', input)),
      ),
    /** The deadline of the day as epoch milliseconds (the time zone database lives outside the workflow). */
    dayDeadline: (input: { date: string; timezone: string; deadline: string }): Promise<number> =>
      failFast(async () => {
        const i = checkedInput('dayDeadline', input);
        return deliveryDeadline(i.date, i.timezone, i.deadline).getTime();
      }),
    dayFacts: (input: DayAlertsInput) =>
      failFast(() =>
        withWatchedQuery(deps.clickhouse, (query) =>
          dayFacts(deps, temporal(), checkedInput('dayFacts', input), query),
        ),
      ),
    sendAlert: (input: SendAlertInput): Promise<boolean> => failFast(() => sendAlert(target, input)),
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
