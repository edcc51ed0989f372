import 'dotenv/config';
import { existsSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { createLogger } from '../lib/logger';
import { closeServices, createServices } from '../lib/services';
import { temporalConnectionOptions } from '../lib/temporal-connection';
import { backfillTaskQueue } from '../common/workflow-ids';
import { WORKFLOW_BUNDLE_PATH } from './bundle';

/** The prebuilt bundle from `npm run build` when present (saves webpack's time and memory), else the sources. */
function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  return existsSync(WORKFLOW_BUNDLE_PATH)
    ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
    : { workflowsPath: require.resolve('../workflows') };
}

/**
 * The worker process: hosts the workflows and activities on TEMPORAL_TASK_QUEUE (exports started by a person or the
 * schedule) and on its `-backfill` queue (backfills and their days) until SIGINT or SIGTERM. Each queue has its own
 * task slots (WORKER_MAX_CONCURRENT_ACTIVITIES each), so a long backfill never delays the daily run.
 */
async function run(): Promise<void> {
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'worker']);
  const logger = createLogger(config.worker.LOG_LEVEL, 'agent-metrics-worker');
  Runtime.install({
    logger: new DefaultLogger(config.worker.LOG_LEVEL.toUpperCase() as LogLevel, (entry) => {
      const level =
        entry.level === 'TRACE' ? 'debug' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      logger[level](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions:
      config.worker.METRICS_ADDRESS === 'off'
        ? {}
        : { metrics: { prometheus: { bindAddress: config.worker.METRICS_ADDRESS } } },
  });
  const services = createServices(config);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  try {
    const queues = [config.temporal.TEMPORAL_TASK_QUEUE, backfillTaskQueue(config.temporal.TEMPORAL_TASK_QUEUE)];
    const activities = createActivities(services);
    const workers = await Promise.all(
      queues.map((taskQueue) =>
        Worker.create({
          connection,
          namespace: config.temporal.TEMPORAL_NAMESPACE,
          taskQueue,
          ...workflowSource(),
          activities,
          maxConcurrentActivityTaskExecutions: config.worker.WORKER_MAX_CONCURRENT_ACTIVITIES,
        }),
      ),
    );
    logger.info(
      {
        taskQueues: queues,
        namespace: config.temporal.TEMPORAL_NAMESPACE,
        temporal: config.temporal.TEMPORAL_ADDRESS,
        metrics: config.worker.METRICS_ADDRESS === 'off' ? 'off' : `http://${config.worker.METRICS_ADDRESS}/metrics`,
      },
      'worker started',
    );
    // Worker.run installs the SIGINT/SIGTERM shutdown on each; one failing stops the other, so none runs half-way.
    await Promise.all(
      workers.map((w) =>
        w.run().catch((err: unknown) => {
          for (const other of workers) if (other !== w && other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      ),
    );
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await closeServices(services);
  }
}

run().catch((err: unknown) => {
  process.stderr.write(
    `agent-metrics worker: ${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
