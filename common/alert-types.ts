/**
 * Alerts about a day (docs/contract.md §10): the events a webhook receives, what a day's run reports to its alerts
 * workflow, and that workflow's id and input. Workflow-safe: no I/O, no Node built-ins.
 */

import { exportScope, type ExportScope } from './export-types';

/** The events a webhook receives. */
export type AlertEvent = 'failed' | 'late' | 'recovered';

/**
 * What a day's run reports: it failed (with the error), it delivered the day (exported or found up to date), or
 * (the schedule) "watch this day": start the alerts workflow so its deadline is kept even if no run ever starts.
 */
export type DayReport = { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'delivered' | 'watch' };

/**
 * The export settings a day's alerts workflow needs: to name the day, find its deadline and look at its state (in the
 * export's bucket, over its customer's rows).
 */
export interface DayAlertsInput extends ExportScope {
  readonly exportName: string;
  readonly date: string;
  readonly timezone: string;
  readonly table: string;
  readonly prefix: string;
  readonly minRows: number;
  /** DELIVERY_DEADLINE, `HH:MM` on D+1 in `timezone`; unset, no `late` event. */
  readonly deadline?: string;
}

/** The workflow type and signal name an activity uses to reach a day's alerts workflow (workflows/day-alerts.ts). */
export const DAY_ALERTS_WORKFLOW = 'dayAlerts';
export const DAY_REPORT_SIGNAL = 'dayReport';

/** The id of export `exportName`'s alerts workflow for day D: one at a time per day, whoever starts it. */
export function alertsWorkflowId(exportName: string, date: string): string {
  return `agent-metrics-${exportName}-${date}-alerts`;
}

/** The `id` of an event: the same for every delivery of it, so a receiver can drop duplicates. */
export function alertId(exportName: string, date: string, event: AlertEvent): string {
  return `${exportName}/${date}/${event}`;
}

/** The settings of a day's alerts workflow, from a day's export input (or a template and a date). */
export function dayAlertsInput(t: Omit<DayAlertsInput, 'deadline'> & { readonly deadline?: string }): DayAlertsInput {
  return {
    ...exportScope(t),
    exportName: t.exportName,
    date: t.date,
    timezone: t.timezone,
    table: t.table,
    prefix: t.prefix,
    minRows: t.minRows,
    ...(t.deadline !== undefined ? { deadline: t.deadline } : {}),
  };
}
