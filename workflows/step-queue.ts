import { proxyActivities, workflowInfo, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import { backfillTaskQueue, isBackfillWorkflowId } from '../common/workflow-ids';

/**
 * The task queue of the current run's activities. A backfill and the days it starts run on the daily runs' queue (the
 * worker's one workflow thread) while their activities go to its backfill queue, whose own slots keep them out of
 * the daily run's way (docs/operations.md); every other run's activities stay on its own queue.
 */
export function stepQueue(): string {
  const info = workflowInfo();
  const parent = info.parent?.workflowId;
  const ofBackfill = info.workflowType === 'backfillDays' || (parent !== undefined && isBackfillWorkflowId(parent));
  return ofBackfill ? backfillTaskQueue(info.taskQueue) : info.taskQueue;
}

/** `proxyActivities(options)` whose steps go to the stepQueue() of the run that calls them. */
export function proxySteps<A extends object>(options: ActivityOptions): ActivityInterfaceFor<A> {
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get: (_, name) => proxyActivities<A>({ ...options, taskQueue: stepQueue() })[name as keyof A],
  });
}
