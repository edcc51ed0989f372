import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../activities';
import { backfillTaskQueue } from '../../common/workflow-ids';
import type { Services } from '../../lib/services';
import { installQuietRuntime } from './runtime';
import type { StackContext } from './stack-context';

type Activities = ReturnType<typeof createActivities>;

/**
 * Runs a worker with the workflows and the real activities on its own task queue, and the activities alone on that
 * queue's backfill queue, as the worker process does, until `stop()` is called; `override` may wrap some of them (a
 * fault injected around the real step).
 */
export async function startWorker(
  address: string,
  namespace: string,
  bundle: WorkflowBundleWithSourceMap,
  deps: Services & Pick<Parameters<typeof createActivities>[0], 'alerts'>,
  override: (real: Activities) => Partial<Activities> = () => ({}),
): Promise<{ taskQueue: string; stop: () => Promise<void> }> {
  const taskQueue = `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address });
  const activities = { ...createActivities(deps), ...override(createActivities(deps)) };
  const workers = await Promise.all(
    [taskQueue, backfillTaskQueue(taskQueue)].map((queue) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: queue,
        ...(queue === taskQueue ? { workflowBundle: bundle } : {}),
        activities,
      }),
    ),
  );
  const running = Promise.all(workers.map((w) => w.run()));
  return {
    taskQueue,
    stop: async () => {
      for (const w of workers) w.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A worker with the real activities on its own task queue, and a client, for one test suite. */
export interface SuiteServices {
  readonly bundle: WorkflowBundleWithSourceMap;
  readonly worker: Awaited<ReturnType<typeof startWorker>>;
  readonly client: Client;
}

/** Bundles the workflows once, starts a worker with `deps` and connects a client to the stack's Temporal. */
export async function startSuite(ctx: StackContext): Promise<SuiteServices> {
  installQuietRuntime();
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
  const worker = await startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, bundle, ctx.deps);
  const client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
  return { bundle, worker, client };
}

export async function stopSuite(services: Partial<SuiteServices>): Promise<void> {
  await services.worker?.stop();
  await services.client?.connection.close();
}
