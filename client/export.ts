import 'dotenv/config';
import { Command } from 'commander';
import { failureText } from '../common/failure-text';
import { WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../lib/config';
import { UsageError } from '../lib/errors';
import { workflowUiUrl } from '../lib/temporal-connection';
import { runCli } from './cli';
import { exportInput, resolveExportDay } from './export-input';
import { EXPORT_OPTION, settingsAndExports } from './export-choice';
import { SettingsConflictError, startExportDay } from './start-export';
import { connectTemporal } from './temporal-client';
import { watchForWorker } from './worker-check';

/** Exit code of a start refused because the day runs with other settings (docs/operations.md, "Exit codes"). */
const EXIT_CONFLICT = 3;

const program = new Command('agent-metrics export')
  .description("Export one day's agent metrics (workflow agent-metrics-<EXPORT_NAME>-D) and wait for it")
  .option('--date <YYYY-MM-DD>', 'the day to export (default: TARGET_DATE, else yesterday in EXPORT_TIMEZONE)')
  .option(...EXPORT_OPTION)
  .option('--force', 're-export even if the day is delivered, verified and unchanged', false)
  .option('--no-wait', 'start the run and return without waiting for it')
  .option('--head <lines>', 'print the first lines of the delivered CSV', (v) => positiveLines(v))
  .option('--json', 'print the result as one JSON object on stdout (progress and warnings stay on stderr)', false)
  .allowExcessArguments(false);

function positiveLines(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--head: expected a number of lines, got '${value}'`);
  return n;
}

async function printHead(uri: string, lines: number): Promise<void> {
  // The S3 client (about a megabyte of modules) is loaded only for --head: an export never needs it here.
  const [{ createS3 }, { readTextIfExists }] = await Promise.all([
    import('../lib/s3/client'),
    import('../lib/s3/objects'),
  ]);
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
  const opts = program.opts<{
    date?: string;
    export?: string;
    force: boolean;
    wait: boolean;
    head?: number;
    json: boolean;
  }>();
  // Results go to stdout; what a run is doing (its id, its link) goes to stderr, so stdout stays parseable.
  const result = (text: string, json: object) =>
    process.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  const read = settingsAndExports(['temporal'], opts.export, 'one');
  const config = { ...read.config, export: read.exports[0]!.settings };
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
      if (opts.json) {
        result('', {
          date,
          result: 'refused',
          error: err.message,
          workflowId: err.workflowId,
          runId: err.runId,
          webUi: ui,
        });
      }
      return EXIT_CONFLICT;
    }
    const runId = handle.firstExecutionRunId;
    const ui = workflowUiUrl(config.temporal, handle.workflowId, runId);
    const how = handle.attached ? 'attached to the run already going with the same settings, ' : '';
    process.stderr.write(`${date}: workflow ${handle.workflowId} (${how}run ${runId})\n  Web UI: ${ui}\n`);
    const run = { date, workflowId: handle.workflowId, runId, attached: handle.attached, webUi: ui };
    if (!opts.wait) {
      result('', { ...run, result: 'started' });
      return 0;
    }
    const watch = watchForWorker(
      client,
      { namespace: config.temporal.TEMPORAL_NAMESPACE, taskQueue: config.temporal.TEMPORAL_TASK_QUEUE },
      process.stderr,
    );
    try {
      const done = await handle.result();
      const headline =
        done.result === 'up-to-date'
          ? `${date}: up to date (delivered ${done.generatedAt}, source unchanged); use --force to re-export\n`
          : `${date}: exported ${done.agentRows} agent rows from ${done.sourceRows} source rows\n`;
      result(
        `${headline}  CSV: ${done.uri}\n  manifest: ${done.manifestUri}\n  ${done.bytes} bytes, sha256 ${done.sha256}\n`,
        { ...run, ...done },
      );
      if (opts.head !== undefined && !opts.json) await printHead(done.uri, opts.head);
      return 0;
    } catch (err) {
      const reason = failureText(err instanceof WorkflowFailedError ? err.cause : err, Infinity);
      process.stderr.write(`${date}: export failed: ${reason}\n  Web UI: ${ui}\n`);
      if (opts.json) result('', { ...run, result: 'failed', error: reason });
      return 1;
    } finally {
      watch.stop();
    }
  } finally {
    await client.connection.close();
  }
}

runCli(program, run);
