import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ExportDayResult } from '../../common/export-types';

/**
 * Waits for a day's export that someone else started (the schedule, a person, another backfill) and returns its
 * result, so a second starter attaches to the run going on instead of failing or starting another. Heartbeats
 * while it waits; a failed run fails this activity at once (non-retryable) with that run's failure as the cause.
 */
export async function awaitExport(temporal: Client, input: { workflowId: string }): Promise<ExportDayResult> {
  const ctx = Context.current();
  const handle = temporal.workflow.getHandle(input.workflowId);
  const timer = setInterval(() => ctx.heartbeat({ waitingFor: input.workflowId }), 5_000);
  try {
    ctx.heartbeat({ waitingFor: input.workflowId });
    return (await Promise.race([handle.result(), ctx.cancelled])) as ExportDayResult;
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      throw ApplicationFailure.create({
        message: `${input.workflowId} failed: ${err.cause?.message ?? err.message}`,
        type: 'AttachedRunFailed',
        nonRetryable: true,
        cause: err.cause ?? err,
      });
    }
    throw err;
  } finally {
    clearInterval(timer);
  }
}
