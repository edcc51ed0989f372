import { setTimeout as delay } from 'node:timers/promises';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithStartDetails,
} from '@temporalio/client';
import type { BackfillInput, BackfillProgress } from '../common/backfill-types';
import { AGENT_METRICS_EXPORT, backfillWorkflowId, PROGRESS_QUERY } from '../common/workflow-ids';
import type { backfillDays } from '../workflows';

export type BackfillHandle = WorkflowHandle<typeof backfillDays>;

/**
 * Starts the backfill of input.from…input.to on `taskQueue` (the daily runs' queue: its steps go to the backfill
 * queue), or attaches to the one already running for that range (same workflow id, conflict policy USE_EXISTING):
 * running the same command twice gives one backfill. `attached` tells which. A backfill still running on another
 * queue (the `-backfill` queue, where versions before 2026-11-29 ran the workflows) is refused: no worker runs it now.
 */
export async function startBackfill(
  client: Client,
  taskQueue: string,
  input: BackfillInput,
): Promise<{ handle: WorkflowHandleWithStartDetails<typeof backfillDays>; attached: boolean; startedAt?: Date }> {
  const workflowId = backfillWorkflowId(input.template.exportName, input.from, input.to);
  const running = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => (d.status.name === 'RUNNING' ? d : undefined))
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (running && running.taskQueue !== taskQueue) {
    throw new Error(
      `backfill ${workflowId} is running on task queue ${running.taskQueue}, where workers no longer run backfills; ` +
        `stop it and its days with: temporal workflow terminate --query 'TaskQueue="${running.taskQueue}" AND ` +
        `ExecutionStatus="Running"' --reason upgrade, then run this command again (delivered days are skipped)`,
    );
  }
  const handle = await client.workflow.start<typeof backfillDays>('backfillDays', {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [{ key: AGENT_METRICS_EXPORT, value: input.template.exportName }],
    staticSummary: `backfill ${input.from} … ${input.to} (--only ${input.only}${input.force ? ', --force' : ''})`,
  });
  return { handle, attached: running !== undefined, ...(running ? { startedAt: running.startTime } : {}) };
}

/**
 * Follows a backfill until it ends: polls its `progress` query every `pollMs` (following continue-as-new, since
 * the handle has no run id) and hands each answer to `onProgress`. A query that fails (no worker answers it within
 * the server's 30 s, the server refuses it) goes to `onQueryError` with the number of failures in a row, and the
 * watch goes on. Resolves with the final progress.
 */
export async function watchBackfill(
  handle: BackfillHandle,
  onProgress: (p: BackfillProgress) => void,
  pollMs = 1_000,
  onQueryError: (err: unknown, failuresInARow: number) => void = () => undefined,
): Promise<BackfillProgress> {
  let finished = false;
  let failures = 0;
  const result = handle.result().finally(() => {
    finished = true;
  });
  result.catch(() => undefined);
  while (!finished) {
    try {
      onProgress(await handle.query<BackfillProgress>(PROGRESS_QUERY));
      failures = 0;
    } catch (err) {
      failures += 1;
      if (!finished) onQueryError(err, failures);
    }
    await Promise.race([delay(pollMs), result.catch(() => undefined)]);
  }
  const final = await result;
  onProgress(final);
  return final;
}
