import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../worker/bundle';
import { installQuietRuntime } from '../helpers/runtime';

/**
 * Histories recorded by earlier versions (a run's fetchHistory(), protobuf-encoded and gzipped; the CLI's JSON form
 * does not load here: two copies of protobufjs): runs that were going when a worker was upgraded must replay on the
 * new workflow code, or they fail with a nondeterminism error. Each file is named after the change it guards (a
 * `patched()` in the workflow code).
 */
const HISTORIES = path.join(__dirname, '..', 'fixtures', 'histories');

describe('runs recorded by earlier versions replay on the current workflows', function () {
  this.timeout(180_000);
  let bundle: WorkflowBundleWithSourceMap;

  before(async () => {
    installQuietRuntime();
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: new DefaultLogger('WARN'),
    });
  });

  for (const file of readdirSync(HISTORIES).filter((f) => f.endsWith('.binpb.gz'))) {
    it(file.replace(/\.binpb\.gz$/, ''), async () => {
      const history = temporal.api.history.v1.History.decode(gunzipSync(readFileSync(path.join(HISTORIES, file))));
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
    });
  }
});
