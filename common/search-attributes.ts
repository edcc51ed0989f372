import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The day a run exports, searchable in the Web UI as `AgentMetricsDate = "2024-03-10"` (registered by the stack). */
export const AGENT_METRICS_DATE = defineSearchAttributeKey('AgentMetricsDate', SearchAttributeType.KEYWORD);

/** Set by the server on every schedule-started run: the nominal (scheduled) time of the action. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
