import 'dotenv/config';
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { createLogger } from '../lib/logger';
import { closeServices, createServices } from '../lib/services';
import { latestDelivery } from '../lib/s3/latest-delivery';
import { temporalConnectionOptions, workflowUiUrl } from '../lib/temporal-connection';
import { alertWebhookUrl } from '../lib/alerts/webhook-url';
import { configuredExports } from '../lib/exports/configured-exports';
import { BusinessMetrics, DeliveryClock, STEP_DURATION_BUCKETS, stepMetricsInterceptor } from './business-metrics';
import {
  TRACING_WORKFLOW_BUNDLE_PATH,
  TRACING_WORKFLOW_INTERCEPTOR_MODULES,
  WORKFLOW_BUNDLE_PATH,
  WORKFLOW_INTERCEPTOR_MODULES,
} from './bundle';
import { tracingEndpoint } from './tracing-endpoint';
import { backfillTaskQueue } from '../common/workflow-ids';

/**
 * The prebuilt bundle from `npm run build` when present (saves webpack's time and memory), else the sources; the one
 * with OpenTelemetry's workflow interceptors only when tracing is on.
 */
function workflowSource(tracing: boolean): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = tracing ? TRACING_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  return existsSync(codePath) ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../workflows') };
}

/**
 * The worker process, until SIGINT or SIGTERM: hosts every workflow (exports started by a person or the schedule,
 * backfills and their days) and the activities on TEMPORAL_TASK_QUEUE, and the activities of backfills and their days
 * on its `-backfill` queue. Each queue has its own activity slots (WORKER_MAX_CONCURRENT_ACTIVITIES each), so a long
 * backfill never takes the daily run's; one workflow thread (one V8 isolate) serves both, which saves its memory.
 */
async function run(): Promise<void> {
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'worker', 'export']);
  // Every export of EXPORTS_FILE (checked at start, like the environment): their webhooks (docs/contract.md §11).
  const exports = configuredExports();
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
        : {
            metrics: {
              prometheus: {
                bindAddress: config.worker.METRICS_ADDRESS,
                histogramBucketOverrides: { agent_metrics_step_duration_seconds: STEP_DURATION_BUCKETS },
              },
            },
          },
  });
  const services = createServices(config);
  const metrics = new BusinessMetrics(Runtime.instance().metricMeter, config.export.EXPORT_NAME);
  const clock = new DeliveryClock(metrics);
  const ticking = setInterval(() => clock.tick(), 15_000).unref();
  // Each export's newest delivered day, so its age gauge is right from the start (a failure only delays the gauge).
  for (const { name, settings } of exports) {
    const bucket = settings.S3_BUCKET_NAME ?? services.bucket;
    latestDelivery({ ...services, bucket }, settings.S3_PREFIX)
      .then((manifest) => manifest && clock.seen(name, manifest.window.end))
      .catch((err: unknown) =>
        logger.warn({ err: String(err), export: name }, 'could not read the newest delivered day'),
      );
  }
  const tracing = tracingEndpoint() ? (await import('./tracing')).startTracing() : undefined;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  try {
    const queues = [config.temporal.TEMPORAL_TASK_QUEUE, backfillTaskQueue(config.temporal.TEMPORAL_TASK_QUEUE)];
    const alerts = {
      webhookUrl: (exportName: string) => alertWebhookUrl(config, exportName, exports),
      webUi: (workflowId: string) => workflowUiUrl(config.temporal, workflowId),
    };
    const activities = createActivities({ ...services, alerts });
    const workers = await Promise.all(
      queues.map((taskQueue) => {
        // The backfill queue has activities only: its workflows run on the main queue (workflows/step-queue.ts).
        const hostsWorkflows = taskQueue === config.temporal.TEMPORAL_TASK_QUEUE;
        return Worker.create({
          connection,
          namespace: config.temporal.TEMPORAL_NAMESPACE,
          taskQueue,
          ...(hostsWorkflows ? workflowSource(tracing !== undefined) : {}),
          activities,
          interceptors: {
            activity: [stepMetricsInterceptor(metrics, clock), ...(tracing?.activityInterceptors ?? [])],
            // Used when bundling from the sources; the prebuilt bundle already holds them (worker/bundle.ts).
            ...(hostsWorkflows
              ? { workflowModules: tracing ? TRACING_WORKFLOW_INTERCEPTOR_MODULES : WORKFLOW_INTERCEPTOR_MODULES }
              : {}),
          },
          ...(tracing && hostsWorkflows ? { sinks: tracing.sinks } : {}),
          maxConcurrentActivityTaskExecutions: config.worker.WORKER_MAX_CONCURRENT_ACTIVITIES,
        });
      }),
    );
    logger.info(
      {
        taskQueues: queues,
        namespace: config.temporal.TEMPORAL_NAMESPACE,
        temporal: config.temporal.TEMPORAL_ADDRESS,
        metrics: config.worker.METRICS_ADDRESS === 'off' ? 'off' : `http://${config.worker.METRICS_ADDRESS}/metrics`,
        tracing: tracing ? tracing.endpoint : 'off',
        // Whether alerts are on, never the URL (a secret).
        alerts: config.worker.ALERT_WEBHOOK_URL ? 'webhook set' : 'off',
      },
      'worker started',
    );
    // Worker.run installs the SIGINT/SIGTERM shutdown on each; one failing stops the other, so none runs half-way.
    // Every worker has stopped before the connection closes (closing it under a running worker would hang).
    const ended = await Promise.allSettled(
      workers.map((w) =>
        w.run().catch((err: unknown) => {
          for (const other of workers) if (other !== w && other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      ),
    );
    const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed) throw failed.reason;
    logger.info('worker stopped');
  } finally {
    clearInterval(ticking);
    await tracing?.shutdown();
    await connection.close();
    await closeServices(services);
  }
}

const program = new Command('agent-metrics worker')
  .description(
    'Runs a worker until SIGINT or SIGTERM: it hosts the export workflows and activities on TEMPORAL_TASK_QUEUE.\n' +
      'Settings come from the environment and .env (.env.example lists them); several workers may serve one queue.\n' +
      'Metrics: http://METRICS_ADDRESS/metrics (default 127.0.0.1:9464; off to disable).',
  )
  .helpOption('-h, --help', 'show this help')
  .allowExcessArguments(false)
  .exitOverride();
try {
  program.parse(process.argv);
} catch (err) {
  // Help exits 0; a bad argument exits 2, as every command does.
  process.exit(err instanceof CommanderError && err.exitCode === 0 ? 0 : 2);
}
// Arguments checked: with AGENT_METRICS_PARSE_ONLY=1 (the README's command lines test) stop here.
if (process.env.AGENT_METRICS_PARSE_ONLY === '1') process.exit(0);

run().catch((err: unknown) => {
  process.stderr.write(
    `agent-metrics worker: ${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
