import { proxyActivities, startChild, type ParentClosePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { PlanningActivities } from '../activities';
import type { ExportDayInput, ExportDayResult } from '../common/export-types';
import { AGENT_METRICS_DATE, dayWorkflowId } from '../common/workflow-ids';
import { RETRY } from './activity-options';
import { exportDay } from './export-day';

// Attaching waits for someone else's run, which may itself wait for data for hours (DATA_WAIT_TIMEOUT).
const attach = proxyActivities<PlanningActivities>({
  startToCloseTimeout: '30 hours',
  heartbeatTimeout: '1 minute',
  retry: RETRY,
});

export interface DayRun {
  readonly result: ExportDayResult;
  readonly runId?: string;
  /** True when the day's workflow was already running and this run waited for it instead of starting one. */
  readonly attached: boolean;
}

/**
 * Runs day D's export as child workflow `agent-metrics-D` (the same id whoever starts it), or, when that id is
 * already running (the schedule, a person, another backfill), waits for that run: never two exports of one day.
 */
export async function runDay(input: ExportDayInput, parentClosePolicy: ParentClosePolicy): Promise<DayRun> {
  const workflowId = dayWorkflowId(input.date);
  let child;
  try {
    child = await startChild(exportDay, {
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      parentClosePolicy,
      typedSearchAttributes: [{ key: AGENT_METRICS_DATE, value: input.date }],
      staticSummary: `agent metrics for ${input.date} (${input.trigger})`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const result = await attach.awaitExport.executeWithOptions(
      { summary: `wait for ${workflowId} (already running)` },
      [{ workflowId }],
    );
    return { result, attached: true };
  }
  return { result: await child.result(), runId: child.firstExecutionRunId, attached: false };
}
