import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The workflow id of day D's export, whoever starts it: the schedule, a person, a backfill (docs/contract.md §5). */
export function dayWorkflowId(date: string): string {
  return `agent-metrics-${date}`;
}

/** The workflow id of the backfill of `from`…`to`: running the same command twice gives one backfill. */
export function backfillWorkflowId(from: string, to: string): string {
  return `agent-metrics-backfill-${from}-${to}`;
}

/** The name of the backfill workflow's query handler that returns its BackfillProgress. */
export const PROGRESS_QUERY = 'progress';

/** The day a run exports, searchable in the Web UI as `AgentMetricsDate = "2024-03-10"` (registered by the stack). */
export const AGENT_METRICS_DATE = defineSearchAttributeKey('AgentMetricsDate', SearchAttributeType.KEYWORD);

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
