import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

/** Where `npm run build` puts the prebuilt workflow bundle the worker loads (no webpack at worker start). */
export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

/**
 * Workflow interceptors built into the bundle: the product's metrics, and OpenTelemetry tracing (its spans reach the
 * worker through the `exporter` sink, a no-op unless OTEL_EXPORTER_OTLP_ENDPOINT is set: worker/tracing.ts).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  require.resolve('../workflows/metrics-interceptors'),
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

async function run(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(WORKFLOW_BUNDLE_PATH, code);
  process.stderr.write(
    `workflow bundle: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${code.length} bytes)\n`,
  );
}

if (require.main === module) {
  run().catch((err: unknown) => {
    process.stderr.write(`bundling the workflows failed: ${String(err)}\n`);
    process.exit(1);
  });
}
