import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ExportDayResult } from '../../common/export-types';
import { conflictMessage, recordedSettings, settingDifferences, type RunSettings } from '../../common/run-settings';

export interface AwaitExportInput {
  readonly workflowId: string;
  /** The settings the waiting run would have started the day with: a running run with others is not waited for. */
  readonly settings?: RunSettings;
}

/**
 * Waits for a day's export that someone else started (the schedule, a person, another backfill) and returns its
 * result, so a second starter attaches to the run going on instead of starting another. When that run was started
 * with other settings (docs/contract.md §5), fails at once (non-retryable, type SettingsConflict) naming the run and
 * each difference: its result is not the file this starter asked for. Heartbeats while it waits; a failed run fails
 * this activity at once (non-retryable) with that run's failure as the cause.
 */
export async function awaitExport(temporal: Client, input: AwaitExportInput): Promise<ExportDayResult> {
  const ctx = Context.current();
  const handle = temporal.workflow.getHandle(input.workflowId);
  if (input.settings) await refuseOtherSettings(handle, input.settings);
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

async function refuseOtherSettings(handle: ReturnType<Client['workflow']['getHandle']>, settings: RunSettings) {
  const running = await handle.describe();
  const recorded = recordedSettings(running.memo);
  // A run without recorded settings was not started by this code: nothing to compare, wait for it as before.
  const differences = recorded ? settingDifferences(recorded, settings) : [];
  if (differences.length === 0) return;
  throw ApplicationFailure.create({
    message: conflictMessage(handle.workflowId, running.runId, differences),
    type: 'SettingsConflict',
    nonRetryable: true,
  });
}
