import 'dotenv/config';
import { Command } from 'commander';
import { failureText } from '../common/failure-text';
import { WorkflowFailedError } from '@temporalio/client';
import { readTextIfExists } from '../lib/s3/objects';
import { loadConfig } from '../lib/config';
import { UsageError } from '../lib/errors';
import { createS3 } from '../lib/s3/client';
import { workflowUiUrl } from '../lib/temporal-connection';
import { runCli } from './cli';
import { exportInput, resolveExportDay } from './export-input';
import { SettingsConflictError, startExportDay } from './start-export';
import { connectTemporal } from './temporal-client';
import { watchForWorker } from './worker-check';

/** Exit code of a start refused because the day runs with other settings (docs/operations.md, "Exit codes"). */
const EXIT_CONFLICT = 3;

const program = new Command('agent-metrics export')
  .description("Export one day's agent metrics (workflow agent-metrics-<EXPORT_NAME>-D) and wait for it")
  .option('--date <YYYY-MM-DD>', 'the day to export (default: TARGET_DATE, else yesterday in EXPORT_TIMEZONE)')
  .option('--force', 're-export even if the day is delivered, verified and unchanged', false)
  .option('--no-wait', 'start the run and return without waiting for it')
  .option('--head <lines>', 'print the first lines of the delivered CSV', (v) => positiveLines(v))
  .allowExcessArguments(false);

function positiveLines(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--head: expected a number of lines, got '${value}'`);
  return n;
}

async function printHead(uri: string, lines: number): Promise<void> {
  const { s3 } = loadConfig(['s3']);
  const client = createS3(s3);
  try {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    const text = await readTextIfExists(client, bucket ?? '', key ?? '');
    const head = (text ?? '').split('\n').slice(0, lines).join('\n');
    process.stdout.write(`  first ${lines} lines of ${uri}:\n${head.replace(/^/gm, '    ')}\n`);
  } finally {
    client.destroy();
  }
}

async function run(): Promise<number> {
  const opts = program.opts<{ date?: string; force: boolean; wait: boolean; head?: number }>();
  const config = loadConfig(['temporal', 'export']);
  const date = resolveExportDay(opts.date, process.env, config.export.EXPORT_TIMEZONE);
  const client = await connectTemporal(config.temporal);
  try {
    const input = exportInput(date, config.export, { force: opts.force, trigger: 'manual' });
    let handle;
    try {
      handle = await startExportDay(client, config.temporal.TEMPORAL_TASK_QUEUE, input);
    } catch (err) {
      if (!(err instanceof SettingsConflictError)) throw err;
      const ui = workflowUiUrl(config.temporal, err.workflowId, err.runId);
      process.stderr.write(`${date}: ${err.message}\n  Web UI: ${ui}\n`);
      return EXIT_CONFLICT;
    }
    const runId = handle.firstExecutionRunId;
    const ui = workflowUiUrl(config.temporal, handle.workflowId, runId);
    const how = handle.attached ? 'attached to the run already going with the same settings, ' : '';
    process.stdout.write(`${date}: workflow ${handle.workflowId} (${how}run ${runId})\n  Web UI: ${ui}\n`);
    if (!opts.wait) return 0;
    const watch = watchForWorker(
      client,
      { namespace: config.temporal.TEMPORAL_NAMESPACE, taskQueue: config.temporal.TEMPORAL_TASK_QUEUE },
      process.stderr,
    );
    try {
      const result = await handle.result();
      if (result.result === 'up-to-date') {
        process.stdout.write(
          `${date}: up to date (delivered ${result.generatedAt}, source unchanged); use --force to re-export\n`,
        );
      } else {
        process.stdout.write(
          `${date}: exported ${result.agentRows} agent rows from ${result.sourceRows} source rows\n`,
        );
      }
      process.stdout.write(
        `  CSV: ${result.uri}\n  manifest: ${result.manifestUri}\n  ${result.bytes} bytes, sha256 ${result.sha256}\n`,
      );
      if (opts.head !== undefined) await printHead(result.uri, opts.head);
      return 0;
    } catch (err) {
      const reason = failureText(err instanceof WorkflowFailedError ? err.cause : err, Infinity);
      process.stderr.write(`${date}: export failed: ${reason}\n  Web UI: ${ui}\n`);
      return 1;
    } finally {
      watch.stop();
    }
  } finally {
    await client.connection.close();
  }
}

runCli(program, run);
