import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

/** Where `npm run build` puts the prebuilt workflow bundle the worker loads (no webpack at worker start). */
export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

/** The same workflows with the OpenTelemetry interceptors too: loaded only when tracing is on (worker/tracing.ts). */
export const TRACING_WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle-tracing.js');

/** Workflow interceptors of every bundle: the product's metrics. */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/metrics-interceptors')];

/**
 * With tracing on, OpenTelemetry's workflow interceptors too (their spans reach the worker through the `exporter`
 * sink). They are a bundle of their own because they double its size, and each task queue's workflow thread holds
 * the bundle it runs: without tracing the worker does not carry them (worker peak RSS, README "Performance").
 */
export const TRACING_WORKFLOW_INTERCEPTOR_MODULES = [
  ...WORKFLOW_INTERCEPTOR_MODULES,
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/**
 * Bundles the workflows with `interceptors` to `target`. The inline source map keeps file names and lines for
 * workflow stack traces but not the sources' text, which each workflow thread would otherwise hold in memory.
 */
async function bundle(target: string, interceptors: string[]): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: interceptors,
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(target, code);
  process.stderr.write(`workflow bundle: ${path.relative(process.cwd(), target)} (${code.length} bytes)\n`);
}

async function run(): Promise<void> {
  await bundle(WORKFLOW_BUNDLE_PATH, WORKFLOW_INTERCEPTOR_MODULES);
  await bundle(TRACING_WORKFLOW_BUNDLE_PATH, TRACING_WORKFLOW_INTERCEPTOR_MODULES);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    process.stderr.write(`bundling the workflows failed: ${String(err)}\n`);
    process.exit(1);
  });
}
