import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** EXPORT_NAME's default, and the export of runs whose input predates it (a schedule created before it existed). */
export const DEFAULT_EXPORT_NAME = 'default';

/** A template with its export's name: schedules and backfills started before EXPORT_NAME existed have none. */
export function withExportName<T extends { readonly exportName: string }>(template: T): T {
  return { ...template, exportName: (template.exportName as string | undefined) ?? DEFAULT_EXPORT_NAME };
}

/**
 * The workflow id of export `exportName`'s day D, whoever starts it: the schedule, a person, a backfill
 * (docs/contract.md §5). The export's name keeps two deployments in one namespace apart.
 */
export function dayWorkflowId(exportName: string, date: string): string {
  return `agent-metrics-${exportName}-${date}`;
}

/** The workflow id of export `exportName`'s backfill of `from`…`to`: the same command twice gives one backfill. */
export function backfillWorkflowId(exportName: string, from: string, to: string): string {
  return `agent-metrics-${exportName}-backfill-${from}-${to}`;
}

const DAY = String.raw`\d{4}-\d{2}-\d{2}`;
const BACKFILL_ID = new RegExp(`^agent-metrics-(.+)-backfill-${DAY}-${DAY}$`);
const ID_FORMS = [
  BACKFILL_ID,
  new RegExp(`^agent-metrics-(.+)-${DAY}-alerts$`),
  new RegExp(`^agent-metrics-(.+)-${DAY}$`),
  new RegExp(`^agent-metrics-(.+)-daily-.+$`),
];

/**
 * The export a workflow id names: a day's run, its alerts, a backfill, or a run of the export's default schedule
 * (the inverse of the ids above); undefined for any other id (a schedule with its own SCHEDULE_ID).
 */
export function exportOfWorkflowId(workflowId: string): string | undefined {
  for (const form of ID_FORMS) {
    const name = form.exec(workflowId)?.[1];
    if (name !== undefined) return name;
  }
  return undefined;
}

/** The schedule's id when SCHEDULE_ID is unset. */
export function defaultScheduleId(exportName: string): string {
  return `agent-metrics-${exportName}-daily`;
}

/**
 * The task queue of the activities of backfills and their days, apart from the daily runs' so a backfill never takes
 * their activity slots. The workflows themselves run on the daily runs' queue (one workflow thread a worker).
 */
export function backfillTaskQueue(taskQueue: string): string {
  return `${taskQueue}-backfill`;
}

/** Whether `workflowId` names a backfill (`backfillWorkflowId`'s form). */
export function isBackfillWorkflowId(workflowId: string): boolean {
  return BACKFILL_ID.test(workflowId);
}

/** The name of the backfill workflow's query handler that returns its BackfillProgress. */
export const PROGRESS_QUERY = 'progress';

/** The day a run exports, searchable in the Web UI as `AgentMetricsDate = "2024-03-10"` (registered by the stack). */
export const AGENT_METRICS_DATE = defineSearchAttributeKey('AgentMetricsDate', SearchAttributeType.KEYWORD);

/** The export a run belongs to, searchable as `AgentMetricsExport = "default"` (registered by the stack). */
export const AGENT_METRICS_EXPORT = defineSearchAttributeKey('AgentMetricsExport', SearchAttributeType.KEYWORD);

/** Set by the server on every schedule-started run: the nominal (scheduled) time of the action. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

const NOMINAL_SUFFIX = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

/** The nominal time the server appends to a scheduled run's workflow id (`<prefix>-2024-03-11T02:00:00Z`). */
export function nominalTimeFromWorkflowId(workflowId: string): Date | undefined {
  const match = NOMINAL_SUFFIX.exec(workflowId);
  if (!match?.[1]) return undefined;
  const date = new Date(match[1]);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
