import { startChild, type ParentClosePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { PlanningActivities } from '../activities';
import type { ExportDayInput, ExportDayResult } from '../common/export-types';
import { RUN_SETTINGS_MEMO, runSettings } from '../common/run-settings';
import { AGENT_METRICS_DATE, AGENT_METRICS_EXPORT, dayWorkflowId } from '../common/workflow-ids';
import { RETRY } from './activity-options';
import { exportDay } from './export-day';
import { proxySteps } from './step-queue';

// Attaching waits for someone else's run, which may itself wait for data for hours (DATA_WAIT_TIMEOUT); a
// backfill's wait holds a slot of the backfill task queue (workflows/step-queue.ts).
const attach = proxySteps<PlanningActivities>({
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
 * Runs day D's export as child workflow `agent-metrics-<export>-D` (the same id whoever starts it), recording the
 * settings that change the file in its memo. When that id is already running (the schedule, a person, another
 * backfill) with the same settings, waits for that run: never two exports of one day. With other settings the day
 * fails with a SettingsConflict naming the running run and each difference (docs/contract.md §5).
 */
export async function runDay(input: ExportDayInput, parentClosePolicy: ParentClosePolicy): Promise<DayRun> {
  const workflowId = dayWorkflowId(input.exportName, input.date);
  const settings = runSettings(input);
  let child;
  try {
    child = await startChild(exportDay, {
      workflowId,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      parentClosePolicy,
      memo: { [RUN_SETTINGS_MEMO]: settings },
      typedSearchAttributes: [
        { key: AGENT_METRICS_DATE, value: input.date },
        { key: AGENT_METRICS_EXPORT, value: input.exportName },
      ],
      staticSummary: `agent metrics ${input.exportName} for ${input.date} (${input.trigger})`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const result = await attach.awaitExport.executeWithOptions(
      { summary: `wait for ${workflowId} (already running)` },
      [{ workflowId, settings }],
    );
    return { result, attached: true };
  }
  return { result: await child.result(), runId: child.firstExecutionRunId, attached: false };
}
