import 'dotenv/config';
import { Command } from 'commander';
import { failureText } from '../common/failure-text';
import { WorkflowFailedError } from '@temporalio/client';
import { planDays } from '../lib/days/day-status';
import type { BackfillInput } from '../common/backfill-types';
import { loadConfig, type Config } from '../lib/config';
import { closeServices, createServices } from '../lib/services';
import { workflowUiUrl } from '../lib/temporal-connection';
import { runCli } from './cli';
import { exportTemplate, intOption, rangeOption, selectionOption } from './command-input';
import { barView, lineView, renderPlan, renderSummary } from './progress-view';
import { startBackfill, watchBackfill } from './start-backfill';
import { connectTemporal } from './temporal-client';
import { watchForWorker } from './worker-check';
import { EXPORT_OPTION, settingsAndExports } from './export-choice';
import { PROGRESS_QUERY } from '../common/workflow-ids';

const program = new Command('agent-metrics backfill')
  .description('Export every day of a date range as one durable Temporal workflow, and follow its progress')
  .requiredOption('--from <YYYY-MM-DD>', 'first day of the range')
  .requiredOption('--to <YYYY-MM-DD>', 'last day of the range (inclusive; not after today)')
  .option(...EXPORT_OPTION)
  .option('--concurrency <n>', 'days exported at once, 1 to 32 (default: BACKFILL_CONCURRENCY, 4)')
  .option('--force', 're-export days that are delivered, verified and unchanged', false)
  .option('--only <which>', 'missing | failed | stale | all (default all: every day not up to date)')
  .option(
    '--allow-shrink',
    're-export days whose source now holds fewer rows than their delivered file (deleted rows: TTL, retention)',
    false,
  )
  .option('--dry-run', 'print which days would run and why; start nothing', false)
  .option('--json', 'print the plan (--dry-run) or the final summary as JSON on stdout; progress goes to stderr', false)
  .allowExcessArguments(false);

interface Options {
  from: string;
  to: string;
  export?: string;
  concurrency?: string;
  force: boolean;
  only?: string;
  allowShrink: boolean;
  dryRun: boolean;
  json: boolean;
}

type BackfillConfig = Config<'temporal' | 'export' | 'schedule'>;

async function dryRun(config: BackfillConfig, input: BackfillInput, days: string[], json: boolean): Promise<number> {
  const services = createServices(loadConfig(['clickhouse', 's3']));
  const temporal = await connectTemporal(config.temporal);
  try {
    const plans = await planDays(services, temporal, {
      days,
      template: input.template,
      only: input.only,
      force: input.force,
      allowShrink: input.allowShrink ?? false,
    });
    if (json) {
      const { from, to, only, force } = input;
      process.stdout.write(
        `${JSON.stringify({ from, to, only, force, allowShrink: input.allowShrink, plans }, null, 2)}\n`,
      );
      return 0;
    }
    process.stdout.write(
      `Plan for ${input.from} … ${input.to} (--only ${input.only}${input.force ? ', --force' : ''}` +
        `${input.allowShrink ? ', --allow-shrink' : ''}); nothing started:\n\n`,
    );
    process.stdout.write(renderPlan(plans));
    return 0;
  } finally {
    await temporal.connection.close();
    await closeServices(services);
  }
}

async function run(): Promise<number> {
  const opts = program.opts<Options>();
  const read = settingsAndExports(['temporal'], opts.export, 'one');
  const chosen = read.exports[0]!;
  const config = { ...read.config, export: chosen.settings, schedule: chosen.schedule };
  const range = rangeOption(opts, config.export.EXPORT_TIMEZONE, undefined, { ended: true });
  const input: BackfillInput = {
    from: range.from,
    to: range.to,
    concurrency: intOption('--concurrency', opts.concurrency, config.schedule.BACKFILL_CONCURRENCY, 1, 32),
    force: opts.force,
    only: selectionOption(opts.only),
    allowShrink: opts.allowShrink,
    template: exportTemplate(config.export),
    chunkDays: config.schedule.BACKFILL_CHUNK_DAYS,
    queryThreads: config.schedule.BACKFILL_QUERY_THREADS,
  };
  if (opts.dryRun) return dryRun(config, input, range.days, opts.json);

  const client = await connectTemporal(config.temporal);
  // The backfill and its days run on the daily runs' queue; their steps go to its backfill queue, whose own activity
  // slots keep them out of the daily run's way (docs/operations.md).
  const taskQueue = config.temporal.TEMPORAL_TASK_QUEUE;
  const { handle, attached, startedAt } = await startBackfill(client, taskQueue, input);
  const ui = workflowUiUrl(config.temporal, handle.workflowId);
  const again = `npm run backfill -- --from ${input.from} --to ${input.to}${opts.export ? ` --export ${opts.export}` : ''}`;
  // What the backfill is doing goes to stderr (a bar on a terminal, lines otherwise); the summary goes to stdout.
  const info = opts.json ? process.stderr : process.stdout;
  info.write(
    attached
      ? `Attached to backfill ${handle.workflowId}, running since ${startedAt?.toISOString()} (its own options apply)\n`
      : `Started backfill ${handle.workflowId}\n`,
  );
  info.write(`  Web UI: ${ui}\n  Ctrl-C detaches; the backfill goes on. Re-attach with: ${again}\n\n`);
  const view = process.stderr.isTTY ? barView(process.stderr) : lineView(process.stderr);
  const watch = watchForWorker(client, { namespace: config.temporal.TEMPORAL_NAMESPACE, taskQueue }, process.stderr);
  process.once('SIGINT', () => {
    view.stop();
    process.stderr.write(`\nDetached. The backfill goes on in Temporal. Re-attach with: ${again}\n`);
    process.exit(130);
  });
  try {
    let lastQueryError = '';
    const final = await watchBackfill(
      handle,
      (p) => view.update(p),
      1_000,
      (err) => {
        const text = failureText(err, Infinity);
        if (text === lastQueryError) return;
        lastQueryError = text;
        process.stderr.write(
          `\nwarning: cannot read the backfill's progress (query '${PROGRESS_QUERY}'): ${text}; trying again\n`,
        );
      },
    );
    view.stop();
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ workflowId: handle.workflowId, webUi: ui, ...final }, null, 2)}\n`
        : `\n${renderSummary(final)}`,
    );
    return final.counts.failed === 0 && final.counts.done === final.total ? 0 : 1;
  } catch (err) {
    view.stop();
    const reason = failureText(err instanceof WorkflowFailedError ? err.cause : err, Infinity);
    process.stderr.write(`backfill ${handle.workflowId} did not finish: ${reason}\n  Web UI: ${ui}\n`);
    return 1;
  } finally {
    watch.stop();
    await client.connection.close();
  }
}

runCli(program, run);
