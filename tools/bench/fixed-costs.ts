import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { generateConversations } from '../generate/calls';
import { runBench } from './main';
import { spawnBenchWorker } from './worker-process';

/**
 * Fixed costs of one day: a small day (BENCH_SMALL_CALLS, 3,000 calls) exported through the real command, the way a
 * person types it, forced and up to date, BENCH_RUNS times each in turn (medians). For each run, the run's history
 * splits the time: inside the steps (ClickHouse and S3: the worker's step-duration histogram, read from its metrics
 * endpoint around each run), the workflow's own overhead (the history's first to last event, minus the steps), and
 * the command around it (node, modules, connect, wait).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CALLS = Number(process.env.BENCH_SMALL_CALLS ?? 3_000);
const DATE = '2024-06-03';
const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'agent-metrics.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** Wall time of one command (ms) and what it printed on stdout; throws when it fails. */
function timedCommand(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms: elapsed, stdout: r.stdout };
}

/** A run's duration: its history's first to last event. */
async function workflowMs(client: Client, workflowId: string, runId: string): Promise<number> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  return ms(events[events.length - 1]?.eventTime) - ms(events[0]?.eventTime);
}

/**
 * Seconds the worker has spent inside steps so far: the sum of its step-duration histogram (every activity and
 * local activity, timed by the worker around the step's code). Local activities' markers are no clock for this:
 * their complete_time is taken before their original_schedule_time.
 */
async function stepSeconds(metricsAddress: string): Promise<number> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('agent_metrics_step_duration_seconds_sum{'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** A port nothing listens on now, for the worker's metrics endpoint. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

runBench(async ({ config, services, client }) => {
  const database = config.clickhouse.CLICKHOUSE_DATABASE;
  const table = `bench_small_${CALLS}`;
  if ((await ensureConversationsTable(services.clickhouse, database, table)) === 0) {
    const calls = { database, table, from: DATE, to: DATE, callsPerDay: CALLS, agents: 50, seed: 3, timezone: 'UTC' };
    await generateConversations(services.clickhouse, calls);
  }
  const queue = `bench-fixed-${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    CLICKHOUSE_TABLE: table,
    S3_PREFIX: `bench/fixed-${queue}`,
    TEMPORAL_TASK_QUEUE: queue,
    EXPORT_TIMEZONE: 'UTC',
    NODE_NO_WARNINGS: '1',
  };
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const worker = await spawnBenchWorker(env, { metricsAddress });
  try {
    console.log(`\n## fixed costs: a day of ${CALLS.toLocaleString('en-US')} calls, ${RUNS} runs each, medians`);
    const args = ['--date', DATE, '--json'];
    const exportRun = (force: boolean) => {
      const r = timedCommand(process.execPath, [BIN, 'export', ...args, ...(force ? ['--force'] : [])], env);
      const out = JSON.parse(r.stdout) as { workflowId: string; runId: string; result: string };
      return { ms: r.ms, ...out };
    };
    exportRun(true); // warm-up: worker, caches, the day delivered
    const rows: Record<string, number[]> = {};
    const add = (name: string, value: number) => (rows[name] ??= []).push(value);
    for (let i = 0; i < RUNS; i += 1) {
      for (const force of [true, false]) {
        const what = force ? 'forced' : 'up to date';
        const before = await stepSeconds(metricsAddress);
        const r = exportRun(force);
        const steps = ((await stepSeconds(metricsAddress)) - before) * 1000;
        const workflow = await workflowMs(client, r.workflowId, r.runId);
        add(`${what}: node bin/agent-metrics.js export, end to end`, r.ms);
        add(`${what}: the workflow run (first to last event)`, workflow);
        add(`${what}: inside the steps (ClickHouse, S3)`, steps);
        add(`${what}: orchestration (end to end − steps)`, r.ms - steps);
        add(`${what}: of which the workflow's own`, workflow - steps);
      }
      add(
        'npm run export -- --date D --force',
        timedCommand('npm', ['run', '-s', 'export', '--', ...args, '--force'], env).ms,
      );
      add(
        'npx agent-metrics export --date D --force',
        timedCommand('npx', ['agent-metrics', 'export', ...args, '--force'], env).ms,
      );
      add('node bin/agent-metrics.js export --help', timedCommand(process.execPath, [BIN, 'export', '--help'], env).ms);
      add('node -e 0', timedCommand(process.execPath, ['-e', '0'], env).ms);
    }
    for (const [name, values] of Object.entries(rows)) {
      console.log(`${name.padEnd(60)} ${median(values).toFixed(0).padStart(5)} ms`);
    }
  } finally {
    const peak = await worker.stop();
    console.log(`${'worker peak RSS'.padEnd(60)} ${(peak / 1024).toFixed(0).padStart(5)} MiB`);
  }
});
