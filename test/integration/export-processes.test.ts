import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { Client, Connection } from '@temporalio/client';
import { startExportDay } from '../../client/start-export';
import { dayWindow } from '../../lib/days/day-window';
import { csvKey } from '../../lib/s3/keys';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { testInput } from '../helpers/export-input';
import { randomId, randomPastDay } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { ensureBuilt } from '../helpers/build';
import { printed, runCli } from '../helpers/cli-process';
import { REPO_ROOT } from '../helpers/stack';
import { spawnWorker } from '../helpers/worker-process';
import { referenceCsvRows } from '../helpers/reference-metrics';

function dayRows(date: string, agents: number, calls: number): CallRow[] {
  const w = dayWindow(date, 'UTC');
  const ids = Array.from({ length: agents }, () => randomUUID());
  return Array.from({ length: calls }, (_, i) => ({
    agentId: ids[i % agents]!,
    start: w.startEpoch + ((i * 7_919) % 86_400),
    duration: (i * 31) % 900,
  }));
}

/** The compiled export command, as `npm run export` runs it. */
function exportCommand(args: readonly string[], env: NodeJS.ProcessEnv) {
  return runCli('export', args, env, { build: 'compiled', timeoutMs: 120_000 });
}

describe('worker processes and the export command', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let table: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;

  before(async () => {
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
    prefix = randomId('test');
    env = {
      ...ctx.env,
      CLICKHOUSE_TABLE: table,
      S3_PREFIX: prefix,
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      DATA_WAIT_TIMEOUT: '2s',
      DATA_POLL_INTERVAL: '1s',
    };
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  it('exports correct files with two worker processes sharing the task queue, steps spread over both', async () => {
    const days = Array.from({ length: 6 }, () => randomPastDay());
    const rowsByDay = new Map(days.map((d) => [d, dayRows(d, 30, 900)]));
    await insertCalls(ctx.clickhouse, database, table, [...rowsByDay.values()].flat());
    const workers = [await spawnWorker(env), await spawnWorker(env)];
    try {
      const handles = await Promise.all(
        [...new Set(days)].map((d) => startExportDay(client, env.TEMPORAL_TASK_QUEUE!, testInput(d, table, prefix))),
      );
      await Promise.all(handles.map((h) => h.result()));
      const identities = new Set<string>();
      for (const handle of handles) {
        const history = await handle.fetchHistory();
        for (const event of history.events ?? []) {
          const identity = event.activityTaskStartedEventAttributes?.identity;
          if (identity) identities.add(identity);
        }
      }
      assert.equal(identities.size, 2, `activities ran on both workers: ${[...identities].join(', ')}`);
      for (const [date, rows] of rowsByDay) {
        const w = dayWindow(date, 'UTC');
        const csv = await readObject(ctx.s3, ctx.deps.bucket, csvKey(prefix, date));
        const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data.slice(1);
        assert.deepEqual(parsed, referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, ['Answered'], date));
      }
    } finally {
      const codes = await Promise.all(workers.map((w) => w.stop()));
      assert.deepEqual(codes, [0, 0], 'workers shut down cleanly on SIGTERM');
    }
  });

  it('serves Prometheus metrics at METRICS_ADDRESS and logs JSON lines', async () => {
    const address = `127.0.0.1:${20_000 + Math.floor(Math.random() * 10_000)}`;
    const worker = await spawnWorker({ ...env, METRICS_ADDRESS: address });
    try {
      const response = await fetch(`http://${address}/metrics`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^temporal_/m);
      const firstLine = JSON.parse(worker.output().split('\n')[0]!) as { msg?: string; level?: number };
      assert.equal(typeof firstLine.level, 'number');
    } finally {
      await worker.stop();
    }
  });

  it('gives one run and one file when the same day is started twice at once', async () => {
    const date = randomPastDay();
    await insertCalls(ctx.clickhouse, database, table, dayRows(date, 5, 50));
    const worker = await spawnWorker(env);
    try {
      const [a, b] = await Promise.all([
        startExportDay(client, env.TEMPORAL_TASK_QUEUE!, testInput(date, table, prefix)),
        startExportDay(client, env.TEMPORAL_TASK_QUEUE!, testInput(date, table, prefix)),
      ]);
      assert.equal(a.firstExecutionRunId, b.firstExecutionRunId);
      const [ra, rb] = await Promise.all([a.result(), b.result()]);
      assert.deepEqual(ra, rb);
    } finally {
      await worker.stop();
    }
  });

  it('prints the S3 URI, the rows and the Web UI link, exits 0, and reports up to date the second time', async () => {
    const date = randomPastDay();
    await insertCalls(ctx.clickhouse, database, table, dayRows(date, 4, 40));
    const worker = await spawnWorker(env);
    try {
      const first = await exportCommand(['--date', date], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`s3://${ctx.deps.bucket}/${prefix}/${date}/agent_metrics_${date}\\.csv`));
      assert.match(first.stdout, /exported 4 agent rows from 40 source rows/);
      // The run's id and link are progress: stderr. The result is stdout.
      assert.match(first.stderr, new RegExp(`Web UI: http.*/workflows/agent-metrics-default-${date}`));
      const second = await exportCommand(['--date', date], env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /up to date/);
      const asJson = await exportCommand(['--date', date, '--json'], env);
      assert.equal(asJson.code, 0, asJson.stderr);
      const parsed = JSON.parse(asJson.stdout) as { result: string; date: string; agentRows: number; webUi: string };
      assert.equal(parsed.result, 'up-to-date');
      assert.equal(parsed.date, date);
      assert.equal(parsed.agentRows, 4);
      assert.match(parsed.webUi, new RegExp(`/workflows/agent-metrics-default-${date}/`));
      const forced = await exportCommand(['--date', date, '--force'], env);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(forced.stdout, /exported 4 agent rows/);
    } finally {
      await worker.stop();
    }
  });

  it('exits 1 with the failure message when the run fails', async () => {
    const worker = await spawnWorker(env);
    try {
      const date = randomPastDay();
      const result = await exportCommand(['--date', date], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`no data for ${date}`));
    } finally {
      await worker.stop();
    }
  });

  const badInputs: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['an impossible date', ['--date', '2024-02-30'], {}, /not a calendar date/],
    ['a malformed date', ['--date', '24-3-1'], {}, /YYYY-MM-DD/],
    ['a day in the future', ['--date', '2999-01-01'], {}, /in the future/],
    [
      'an unknown time zone',
      ['--date', '2024-01-01'],
      { EXPORT_TIMEZONE: 'Mars/Olympus' },
      /EXPORT_TIMEZONE: expected an IANA/,
    ],
    ['an unknown status', ['--date', '2024-01-01'], { INCLUDE_STATUSES: 'Answered,Dropped' }, /INCLUDE_STATUSES/],
    ['an unknown option', ['--date', '2024-01-01', '--fast'], {}, /unknown option/],
    ['a bad TARGET_DATE', [], { TARGET_DATE: '2023-02-29' }, /TARGET_DATE: .*not a calendar date/],
  ];
  for (const [what, args, extra, message] of badInputs) {
    it(`exits 2 with a clear message on ${what}`, async () => {
      const result = await exportCommand(args, { ...env, ...extra });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, message);
    });
  }

  it('npm run worker: a SIGTERM to npm reaches the worker, which stops cleanly (nothing left running)', async () => {
    const npm = spawn('npm', ['run', '-s', 'worker'], {
      cwd: REPO_ROOT,
      env: { ...env, TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`, METRICS_ADDRESS: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    npm.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const closed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
    const log = await printed(npm, /"worker started"/, 60_000, 'stderr');
    const pid = Number(/"pid":(\d+)/.exec(log)?.[1]);
    assert.ok(pid > 0 && pid !== npm.pid, log);
    npm.kill('SIGTERM');
    // npm's output closes when every process holding it has ended: the worker too.
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 30_000).unref());
    const ended = await Promise.race([closed.then(() => 'closed'), late]);
    if (ended !== 'closed') process.kill(pid, 'SIGKILL');
    assert.equal(ended, 'closed', `worker ${pid} still running 30 s after npm got SIGTERM`);
    assert.match(stderr, /"worker stopped"/, 'the worker shut down on the signal');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i += 1) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, `worker ${pid} still running after npm stopped`);
  });
});
