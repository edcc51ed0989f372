import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { startBackfill, watchBackfill } from '../../client/start-backfill';
import { startExportDay } from '../../client/start-export';
import type { BackfillInput, BackfillProgress } from '../../common/backfill-types';
import { backfillTaskQueue, backfillWorkflowId, dayWorkflowId } from '../../common/workflow-ids';
import { addDays, dayRange } from '../../common/calendar';
import { dayWindow } from '../../lib/days/day-window';
import type { ExportTemplate, PrecomputedDay } from '../../common/export-types';
import { parseManifest } from '../../common/manifest';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { finished, printed, runCli, spawnCli } from '../helpers/cli-process';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { daysAgo, pollEvery, testInput, testTemplate, uniqueExportName, waitEndingIn } from '../helpers/export-input';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';
import { referenceCsvRows } from '../helpers/reference-metrics';

/**
 * The task queue a run's history says it ran on, and the distinct queues of the activities it scheduled (local
 * activities are markers: they ran in the worker of the run's own workflow task).
 */
async function queuesOf(client: Client, workflowId: string, runId?: string) {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  return {
    workflow: events[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name,
    activities: [
      ...new Set(events.map((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name).filter(Boolean)),
    ],
  };
}

/** A random run of past days, 2018–2023, so parallel suites on the shared server never share a day's workflow id. */
function randomPastRange(days: number): string[] {
  const start = addDays('2018-01-01', Math.floor(Math.random() * 2_000));
  return dayRange(start, addDays(start, days - 1));
}

/** Calls of one day in `tz`: a few agents, a duplicate, an update, a negative duration and other statuses. */
function dayRows(date: string, tz: string, seed: number, spill = false): CallRow[] {
  const w = dayWindow(date, tz);
  const agents = [randomUUID(), randomUUID(), randomUUID()];
  const rows: CallRow[] = [];
  for (let i = 0; i < 40; i += 1) {
    rows.push({
      agentId: agents[i % 3]!,
      start: w.startEpoch + ((i * 7_919 + seed * 104_729) % (w.endEpoch - w.startEpoch)),
      duration: (i * 37 + seed * 11) % 900,
      status: i % 9 === 0 ? 'Missed' : 'Answered',
    });
  }
  const dup = {
    agentId: agents[0]!,
    conversationId: randomUUID(),
    start: w.startEpoch + 10,
    duration: 77,
    updatedAt: w.startEpoch + 99,
  };
  const moved = randomUUID();
  rows.push(dup, dup);
  rows.push({
    agentId: agents[1]!,
    conversationId: moved,
    start: w.startEpoch + 20,
    duration: 5,
    updatedAt: w.startEpoch + 30,
  });
  rows.push({
    agentId: agents[1]!,
    conversationId: moved,
    start: w.startEpoch + 20,
    duration: 500,
    updatedAt: w.startEpoch + 40,
  });
  rows.push({ agentId: agents[2]!, start: w.startEpoch + 50, duration: -3 });
  if (!spill) return rows;
  // The same conversation on the last second of the day and the first of the next: one row in each day.
  const across = randomUUID();
  rows.push({
    agentId: agents[2]!,
    conversationId: across,
    start: w.endEpoch - 1,
    duration: 60,
    updatedAt: w.endEpoch + 5,
  });
  rows.push({
    agentId: agents[2]!,
    conversationId: across,
    start: w.endEpoch,
    duration: 61,
    updatedAt: w.endEpoch + 9,
  });
  return rows;
}

describe('backfill on the real stack', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx);
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const acts = createActivities(ctx.deps);
  const quiet = new DefaultLogger('WARN');

  const template = (overrides: Partial<ExportTemplate> = {}): ExportTemplate =>
    testTemplate(suite.table, suite.prefix, overrides);
  const backfillInput = (from: string, to: string, overrides: Partial<BackfillInput> = {}): BackfillInput => ({
    from,
    to,
    concurrency: 2,
    force: false,
    only: 'all',
    template: template(),
    chunkDays: 31,
    ...overrides,
  });
  const cliEnv = (extra: Record<string, string> = {}) => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: suite.table,
    S3_PREFIX: suite.prefix,
    TEMPORAL_TASK_QUEUE: suite.worker.taskQueue,
    EXPORT_TIMEZONE: 'UTC',
    DATA_POLL_INTERVAL: '1s',
    DATA_WAIT_TIMEOUT: '3s',
    ...extra,
  });
  const csvRows = async (date: string) =>
    Papa.parse<string[]>(await readObject(ctx.s3, ctx.deps.bucket, csvKey(suite.prefix, date)), {
      skipEmptyLines: true,
    }).data.slice(1);
  const manifest = async (date: string) =>
    parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)));

  it('computes and writes a batch of days exactly as each day computed alone: fingerprints, counts and files', async () => {
    const tz = 'America/New_York';
    const days = ['2024-03-09', '2024-03-10', '2024-03-11', '2024-03-13', '2024-11-03'];
    const rows = [...days, '2024-03-12'].flatMap((d, i) => dayRows(d, tz, i + 1, true));
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'batch', runId: randomUUID() } },
      { logger: quiet },
    );
    const base = { timezone: tz, table: suite.table, prefix: suite.prefix, statuses: ['Answered' as const] };
    const batch = (await env.run(acts.computeBatch, { ...base, days })) as PrecomputedDay[];
    assert.deepEqual(
      batch.map((b) => b.stats.date),
      days,
    );
    for (const b of batch) {
      const alone = new MockActivityEnvironment(
        { workflowExecution: { workflowId: 'alone', runId: randomUUID() } },
        { logger: quiet },
      );
      const stats = await alone.run(acts.checkData, { date: b.stats.date, timezone: tz, table: suite.table });
      assert.deepEqual(b.stats, stats, `${b.stats.date}: window stats`);
      const single = (await alone.run(acts.computeMetrics, { ...base, date: b.stats.date, empty: false })) as Awaited<
        ReturnType<typeof acts.computeMetrics>
      >;
      const written = (await alone.run(acts.writeCsv, {
        date: b.stats.date,
        prefix: suite.prefix,
        metricsKey: single.metricsKey,
      })) as PrecomputedDay['written'];
      const { metricsKey, ...singleCounts } = single;
      assert.ok(metricsKey.endsWith('metrics.jsonl'));
      assert.deepEqual({ ...b.computed, queryMs: 0 }, { ...singleCounts, queryMs: 0 }, `${b.stats.date}: counts`);
      assert.deepEqual(
        { ...b.written, stagingKey: '' },
        { ...written, stagingKey: '' },
        `${b.stats.date}: CSV size, SHA-256 and rows`,
      );
      const [a, c] = await Promise.all([
        readObject(ctx.s3, ctx.deps.bucket, b.written.stagingKey),
        readObject(ctx.s3, ctx.deps.bucket, written.stagingKey),
      ]);
      assert.equal(a, c, `${b.stats.date}: staged CSV`);
      assert.ok(a.startsWith('agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\n'));
      assert.ok(b.computed.agentRows > 0 && b.computed.leftOut.duplicateRows === 2);
    }
  });

  it('never merges two agents whose batch keys collide: the batch fails and their days compute alone', async () => {
    // Found by searching 40M ids on 18.16: their cityHash64 values share the top 48 bits, the part of the batch
    // query's (agent, day) key that comes from the agent (lib/clickhouse/batch-sql.ts, groupKey).
    const pair = ['00000000-0000-4000-8000-800000af33ff', '00000000-0000-4000-8000-800000ff7cd7'];
    const top48 = (id: string) => `bitShiftRight(cityHash64(reinterpretAsFixedString(toUUID('${id}'))), 16)`;
    const same = await ctx.clickhouse.query({
      query: `SELECT ${top48(pair[0]!)} = ${top48(pair[1]!)} AS same`,
      format: 'JSONEachRow',
    });
    assert.deepEqual(await same.json(), [{ same: 1 }], 'the two ids collide on this server');
    const days = randomPastRange(2);
    const [d1, d2] = days as [string, string];
    const w = dayWindow(d1, 'UTC');
    const rows = [
      ...[d1, d2].flatMap((d, i) => dayRows(d, 'UTC', i + 7)),
      ...pair.flatMap((agentId, a) =>
        [5, 9, 14].map((duration, i) => ({
          agentId,
          start: w.startEpoch + 600 * (a * 3 + i),
          duration: duration * (a + 1),
        })),
      ),
    ];
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'batch', runId: randomUUID() } },
      { logger: quiet },
    );
    const base = { timezone: 'UTC', table: suite.table, prefix: suite.prefix, statuses: ['Answered' as const] };
    await assert.rejects(env.run(acts.computeBatch, { ...base, days }), /throwIf|395/);

    const final = await watchBackfill(
      (await startBackfill(suite.client, suite.worker.taskQueue, backfillInput(d1, d2))).handle,
      () => undefined,
    );
    assert.deepEqual(
      final.latest.map((o) => o.result),
      ['exported', 'exported'],
    );
    for (const d of days) {
      const dw = dayWindow(d, 'UTC');
      assert.deepEqual(
        await csvRows(d),
        referenceCsvRows(rows, { start: dw.startEpoch, end: dw.endEpoch }, ['Answered'], d),
        d,
      );
    }
    assert.deepEqual(
      (await csvRows(d1)).filter((r) => pair.includes(r[0]!)).map((r) => r[0]),
      [...pair].sort(),
      'both agents have their own row',
    );
  });

  it('backfills a range: each day verified on its own, up-to-date days skipped, a day without data isolated', async () => {
    const days = randomPastRange(5);
    const [d1, d2, d3, d4, d5] = days as [string, string, string, string, string];
    const rows = [d1, d2, d3, d5].flatMap((d, i) => dayRows(d, 'UTC', i + 1));
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    await (
      await startExportDay(suite.client, suite.worker.taskQueue, testInput(d2, suite.table, suite.prefix))
    ).result();
    const before = await manifest(d2);

    const { handle } = await startBackfill(
      suite.client,
      suite.worker.taskQueue,
      backfillInput(d1, d5, { chunkDays: 1 }),
    );
    const seen: BackfillProgress[] = [];
    const final = await watchBackfill(handle, (p) => seen.push(p), 200);

    const result = Object.fromEntries(final.latest.map((o) => [o.date, o]));
    assert.equal(final.counts.done, 5);
    assert.equal(final.latest.length, 5);
    assert.deepEqual(
      [d1, d2, d3, d4, d5].map((d) => result[d]?.result),
      ['exported', 'up-to-date', 'exported', 'failed', 'exported'],
    );
    assert.match(result[d4]!.detail, /no data for/);
    for (const d of [d1, d3, d5]) {
      const w = dayWindow(d, 'UTC');
      assert.deepEqual(
        await csvRows(d),
        referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, ['Answered'], d),
        d,
      );
      const m = await manifest(d);
      assert.equal(m.reason, 'backfill: missing');
      assert.equal(m.workflow.id, `agent-metrics-default-${d}`);
    }
    assert.equal((await manifest(d2)).generatedAt, before.generatedAt, 'the verified day was not exported again');
    assert.ok(
      seen.some((p) => !p.done && p.counts.done < 5),
      'progress was visible while it ran',
    );
    // One day a chunk, three chunks a run: the workflow continued as new once and carried the outcomes along.
    const first = await suite.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
    // The backfill and its days run on the main queue (the worker's one workflow thread); every activity they
    // schedule goes to the backfill queue, whose own slots keep the daily run's free.
    const [main, steps] = [suite.worker.taskQueue, backfillTaskQueue(suite.worker.taskQueue)];
    for (const [id, runId] of [
      [handle.workflowId, handle.firstExecutionRunId],
      [dayWorkflowId('default', d1), undefined],
      [dayWorkflowId('default', d4), undefined],
    ] as const) {
      const queues = await queuesOf(suite.client, id, runId);
      assert.equal(queues.workflow, main, id);
      // d1, computed by the backfill, has no activity at all (verify, upload and manifest are local steps); d4, without
      // data, checks it itself.
      const some = id !== dayWorkflowId('default', d1);
      assert.ok(
        queues.activities.every((q) => q === steps) && queues.activities.length > 0 === some,
        `${id}: ${JSON.stringify(queues)}`,
      );
    }
    const staging = await ctx.s3.send(
      new ListObjectsV2Command({ Bucket: ctx.deps.bucket, Prefix: `${suite.prefix}/_staging/` }),
    );
    assert.equal(staging.KeyCount ?? 0, 0, 'no staged objects left behind');

    const forced = await watchBackfill(
      (await startBackfill(suite.client, suite.worker.taskQueue, backfillInput(d1, d2, { force: true }))).handle,
      () => undefined,
    );
    assert.deepEqual(forced.latest.map((o) => o.result).sort(), ['exported', 'exported']);
    const again = await manifest(d2);
    assert.equal(again.reason, 'backfill: forced');
    assert.equal(again.replaces?.generatedAt, before.generatedAt);
  });

  it('keeps running when the CLI is killed, and a second invocation attaches to it', async () => {
    // Recent days (the third one's data wait must end within 7 days of it), under an export name of its own.
    const days = dayRange(daysAgo(6), daysAgo(3));
    const [d1, , , d4] = days as [string, string, string, string];
    const exportName = uniqueExportName();
    const since = new Date(Date.now() - 1_000).toISOString();
    // The third day has no rows: its run waits until 8 s from now, then publishes a header-only file.
    await insertCalls(
      ctx.clickhouse,
      database,
      suite.table,
      [days[0]!, days[1]!, days[3]!].flatMap((d, i) => dayRows(d, 'UTC', i)),
    );
    const wait = waitEndingIn(days[2]!, 8_000);
    const env = cliEnv({
      EXPORT_NAME: exportName,
      ON_EMPTY: 'publish',
      DATA_WAIT_TIMEOUT: `${Math.ceil(wait / 1_000)}s`,
      DATA_POLL_INTERVAL: `${pollEvery(wait) / 1_000}s`,
    });
    const first = spawnCli('backfill', ['--from', d1, '--to', d4, '--concurrency', '1'], env);
    const firstDone = finished(first);
    await printed(first, /Started backfill/);
    first.kill('SIGKILL');
    await firstDone;
    const id = backfillWorkflowId(exportName, d1, d4);
    assert.equal((await suite.client.workflow.getHandle(id).describe()).status.name, 'RUNNING');

    const second = await runCli('backfill', ['--from', d1, '--to', d4], env);
    assert.equal(second.code, 0, second.stderr + second.stdout);
    assert.match(second.stdout, new RegExp(`Attached to backfill agent-metrics-${exportName}-backfill-`));
    assert.match(second.stdout, /4 days: 4 exported and verified/);
    for (const d of days) assert.ok((await manifest(d)).csv.sha256, d);
    assert.equal((await csvRows(days[2]!)).length, 0, 'the empty day got its header-only file');
    const runs = [];
    for await (const w of suite.client.workflow.list({ query: `WorkflowId = '${id}' AND StartTime >= '${since}'` })) {
      runs.push(w.runId);
    }
    assert.equal(runs.length, 1, 'one backfill, not two');
    // Again, as JSON: the summary alone on stdout, every day now up to date.
    const third = await runCli('backfill', ['--from', d1, '--to', d4, '--json'], env);
    assert.equal(third.code, 0, third.stderr);
    const summary = JSON.parse(third.stdout) as { counts: { upToDate: number; failed: number }; workflowId: string };
    assert.deepEqual([summary.counts.upToDate, summary.counts.failed], [4, 0]);
    assert.equal(summary.workflowId, id);
  });

  it('waits for a day whose export someone else is running instead of starting a second one', async () => {
    // Recent days (d2's data wait must end within 7 days of it), under an export name of its own.
    const [d1, d2] = [daysAgo(3), daysAgo(2)];
    const exportName = uniqueExportName();
    // The dev server keeps old runs: count only the runs of this test.
    const since = new Date(Date.now() - 1_000).toISOString();
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(d1, 'UTC', 1));
    // d2 has no rows yet: its run (started by "someone else") waits for data, then publishes a header-only file.
    const other = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      testInput(d2, suite.table, suite.prefix, {
        exportName,
        onEmpty: 'publish',
        waitTimeoutMs: waitEndingIn(d2, 6_000),
        pollIntervalMs: pollEvery(waitEndingIn(d2, 6_000)),
      }),
    );
    // The same settings as that run (ON_EMPTY among them): a backfill with others would be refused, not attach.
    const { handle } = await startBackfill(
      suite.client,
      suite.worker.taskQueue,
      backfillInput(d1, d2, { template: template({ exportName, onEmpty: 'publish' }) }),
    );
    const final = await watchBackfill(handle, () => undefined, 200);
    const result = Object.fromEntries(final.latest.map((o) => [o.date, o]));
    assert.equal(result[d1]?.result, 'exported');
    assert.equal(result[d2]?.result, 'exported');
    assert.match(result[d2]!.detail, /waited for the run already going/);
    const runs = [];
    const query = `WorkflowId = 'agent-metrics-${exportName}-${d2}' AND StartTime >= '${since}'`;
    for await (const w of suite.client.workflow.list({ query })) runs.push(w.runId);
    assert.deepEqual(runs, [other.firstExecutionRunId], 'one run of the day, not two');
    assert.equal((await manifest(d2)).workflow.runId, other.firstExecutionRunId);
  });

  it('records a day whose run is going with other settings as failed, naming the run, instead of waiting', async () => {
    // Recent days (d2's data wait must go on past this test, within 7 days of it), under an export name of its own.
    const [d1, d2] = [daysAgo(5), daysAgo(4)];
    const exportName = uniqueExportName();
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(d1, 'UTC', 1));
    // "Someone else" runs d2 asking for more rows than it holds: it waits for data long after this test.
    const other = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      testInput(d2, suite.table, suite.prefix, {
        exportName,
        minRows: 1_000,
        waitTimeoutMs: waitEndingIn(d2, 600_000),
        pollIntervalMs: pollEvery(waitEndingIn(d2, 600_000)),
      }),
    );
    try {
      const { handle } = await startBackfill(
        suite.client,
        suite.worker.taskQueue,
        backfillInput(d1, d2, { template: template({ exportName }) }),
      );
      const final = await watchBackfill(handle, () => undefined, 200);
      const result = Object.fromEntries(final.latest.map((o) => [o.date, o]));
      assert.equal(result[d1]?.result, 'exported');
      assert.equal(result[d2]?.result, 'failed');
      assert.match(
        result[d2]!.detail,
        new RegExp(
          `agent-metrics-${exportName}-${d2} is already running \\(run ${other.firstExecutionRunId}\\) with other settings`,
        ),
      );
      assert.match(result[d2]!.detail, /MIN_ROWS: running '1000', this start '1'/);
      assert.equal((await other.describe()).status.name, 'RUNNING', 'the other run goes on');
    } finally {
      await other.terminate('test done');
    }
  });

  it('prints the plan with --dry-run and starts nothing', async () => {
    const days = randomPastRange(3);
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(days[0]!, 'UTC', 1));
    await (
      await startExportDay(suite.client, suite.worker.taskQueue, testInput(days[0]!, suite.table, suite.prefix))
    ).result();
    const out = await runCli('backfill', ['--from', days[0]!, '--to', days[2]!, '--dry-run'], cliEnv());
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`${days[0]}\\s+verified\\s+\\d+\\s+skip\\s+up to date`));
    assert.match(out.stdout, new RegExp(`${days[1]}\\s+missing\\s+0\\s+run\\s+missing, and the source holds 0 rows`));
    assert.match(out.stdout, /3 days: 2 would run, 0 would wait for a run already going, 1 skipped/);
    const json = await runCli('backfill', ['--from', days[0]!, '--to', days[2]!, '--dry-run', '--json'], cliEnv());
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as { plans: { date: string; state: string; action: string }[] };
    assert.deepEqual(
      plan.plans.map((p) => [p.date, p.state, p.action]),
      [
        [days[0], 'verified', 'skip'],
        [days[1], 'missing', 'run'],
        [days[2], 'missing', 'run'],
      ],
    );
    await assert.rejects(
      suite.client.workflow.getHandle(backfillWorkflowId('default', days[0]!, days[2]!)).describe(),
      WorkflowNotFoundError,
    );
  });

  it('refuses bad input with exit code 2 and a clear message, starting nothing', async () => {
    const tomorrow = addDays(new Date().toISOString().slice(0, 10), 2);
    const cases: [string[], RegExp][] = [
      [['--from', '2024-02-30', '--to', '2024-03-01'], /--from: '2024-02-30' is not a calendar date/],
      [['--from', '2024-3-1', '--to', '2024-03-02'], /--from: '2024-3-1' is not a date in YYYY-MM-DD form/],
      [['--from', '2024-03-05', '--to', '2024-03-01'], /--from 2024-03-05 is after --to 2024-03-01/],
      [['--from', '2024-03-01', '--to', tomorrow], /is in the future/],
      [
        ['--from', '2024-03-01', '--to', '2024-03-02', '--concurrency', '0'],
        /--concurrency: expected a whole number from 1 to 32/,
      ],
      [
        ['--from', '2024-03-01', '--to', '2024-03-02', '--concurrency', '33'],
        /--concurrency: expected a whole number from 1 to 32/,
      ],
      [
        ['--from', '2024-03-01', '--to', '2024-03-02', '--only', 'broken'],
        /--only: expected one of missing, failed, stale, all/,
      ],
      [['--from', '2024-03-01', '--to', '2024-03-02', '--colour'], /unknown option '--colour'/],
      [['--from', '2024-03-01'], /required option '--to/],
    ];
    const queue = `bad-input-${randomUUID()}`;
    const results = await Promise.all(
      cases.map(([args]) => runCli('backfill', args, cliEnv({ TEMPORAL_TASK_QUEUE: queue }))),
    );
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[i]![1]);
    });
    assert.equal((await suite.client.workflow.count(`TaskQueue = '${queue}'`)).count, 0);
  });

  it('refuses to attach to a backfill still running on the backfill queue, where workers no longer run workflows', async () => {
    const input = backfillInput(...(randomPastRange(2) as [string, string]), {
      template: template({ exportName: uniqueExportName() }),
    });
    // As versions before one workflow thread a worker started it: on the backfill queue, where it now stalls.
    const old = backfillTaskQueue(suite.worker.taskQueue);
    const stalled = await suite.client.workflow.start('backfillDays', {
      workflowId: backfillWorkflowId(input.template.exportName, input.from, input.to),
      taskQueue: old,
      args: [input],
    });
    try {
      await assert.rejects(
        startBackfill(suite.client, suite.worker.taskQueue, input),
        (err: Error) =>
          err.message.includes(`running on task queue ${old}`) &&
          err.message.includes(`temporal workflow terminate --query 'TaskQueue="${old}"`),
      );
      assert.equal((await stalled.describe()).status.name, 'RUNNING', 'left as it was');
    } finally {
      await stalled.terminate('test done');
    }
  });
});
