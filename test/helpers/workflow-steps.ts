import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';

/** One activity the server counts as pending for a run: its type, state, attempt and the worker that has it. */
export interface PendingStep {
  readonly activityType: string;
  readonly started: boolean;
  readonly attempt: number;
  readonly workerIdentity: string;
}

/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED (@temporalio/proto is not a direct dependency). */
const STARTED = 2;

/** The run's pending activities, from `describe()` (what the Web UI shows as "pending activities"). */
export async function pendingSteps(handle: WorkflowHandle): Promise<PendingStep[]> {
  const description = await handle.describe();
  return (description.raw.pendingActivities ?? []).map((a) => ({
    activityType: a.activityType?.name ?? '',
    started: a.state === STARTED,
    attempt: a.attempt ?? 0,
    workerIdentity: a.lastWorkerIdentity ?? '',
  }));
}

/** Resolves once the server has handed `activityType` of the run to a worker (state STARTED), with that step. */
export async function stepStarted(
  handle: WorkflowHandle,
  activityType: string,
  timeoutMs = 60_000,
): Promise<PendingStep> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const step = (await pendingSteps(handle)).find((a) => a.activityType === activityType && a.started);
    if (step) return step;
    if (Date.now() > deadline) throw new Error(`${activityType} did not start within ${timeoutMs} ms`);
    await delay(200);
  }
}

/** The activities that completed in the run, in order, with the attempt that completed them (from its history). */
export async function completedSteps(handle: WorkflowHandle): Promise<{ activityType: string; attempt: number }[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts = new Map<string, number>();
  const done: { activityType: string; attempt: number }[] = [];
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(id, s.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started) attempts.set(id, started.attempt ?? 0);
    const c = event.activityTaskCompletedEventAttributes;
    if (c) {
      done.push({
        activityType: scheduled.get(String(c.scheduledEventId)) ?? '',
        attempt: attempts.get(String(c.startedEventId)) ?? 0,
      });
    }
  }
  return done;
}

/** What the SDK records in a local activity's marker (its `data` detail, JSON). */
interface LocalActivityMarker {
  readonly activity_type?: string;
  readonly attempt?: number;
}

/**
 * The local activities that completed in the run (markers in its history), in order, each with whether a workflow task
 * of the run had timed out or failed before it: a local step that a dead worker was running is run again by the next
 * worker's workflow task once the server noticed the first one's task timed out.
 */
export async function completedLocalSteps(
  handle: WorkflowHandle,
): Promise<{ activityType: string; attempt: number; afterTaskRetry: boolean }[]> {
  const history = await handle.fetchHistory();
  const done: { activityType: string; attempt: number; afterTaskRetry: boolean }[] = [];
  let taskRetried = false;
  for (const event of history.events ?? []) {
    if (event.workflowTaskTimedOutEventAttributes || event.workflowTaskFailedEventAttributes) taskRetried = true;
    const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (!data) continue;
    const marker = JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarker;
    done.push({ activityType: marker.activity_type ?? '', attempt: marker.attempt ?? 0, afterTaskRetry: taskRetried });
  }
  return done;
}
