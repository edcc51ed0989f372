import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { scheduleOptions } from '../../client/schedule-options';
import { loadConfig } from '../../lib/config';
import { addDays, dayRange } from '../../common/calendar';
import { dayWindow, localDate } from '../../lib/days/day-window';
import { parseManifest, type Manifest } from '../../common/manifest';
import { datesWithoutTime, nominalRangeForDays } from '../../lib/days/schedule-day';
import { manifestKey } from '../../lib/s3/keys';
import { AGENT_METRICS_DATE, SCHEDULED_START_TIME } from '../../common/workflow-ids';
import type { ScheduledExportResult } from '../../common/scheduled-types';
import type { scheduledExport } from '../../workflows/scheduled-export';
import { runCli } from '../helpers/cli-process';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomId } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { startSuite, stopSuite, type SuiteServices } from '../helpers/test-worker';

const TZ = 'America/New_York';

function calls(date: string, n: number): CallRow[] {
  const w = dayWindow(date, TZ);
  const agent = randomUUID();
  return Array.from({ length: n }, (_, i) => ({ agentId: agent, start: w.startEpoch + 600 * i + 1, duration: 30 + i }));
}

describe('the daily schedule on the Temporal dev server', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let worker: SuiteServices['worker'];
  let client: SuiteServices['client'];
  let table: string;
  let prefix: string;
  let env: Record<string, string>;
  let scheduleId: string;

  before(async () => {
    ({ worker, client } = await startSuite(ctx));
    table = await createConversationsTable(ctx.clickhouse, database);
    prefix = randomId('test');
    scheduleId = `agent-metrics-test-${randomUUID()}`;
    env = {
      ...ctx.env,
      SCHEDULE_ID: scheduleId,
      SCHEDULE_TIMEZONE: TZ,
      EXPORT_TIMEZONE: TZ,
      SCHEDULE_TIME: '02:00',
      LOOKBACK_DAYS: '3',
      CLICKHOUSE_TABLE: table,
      S3_PREFIX: prefix,
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      DATA_POLL_INTERVAL: '1s',
      DATA_WAIT_TIMEOUT: '2s',
      ON_EMPTY: 'publish',
    };
    const created = await runCli('schedule', ['create'], env);
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    await client?.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await dropTable(ctx.clickhouse, database, table);
    await stopSuite({ worker, client });
    await ctx.clickhouse.close();
  });

  const manifest = async (date: string): Promise<Manifest> =>
    parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(prefix, date)));

  /** The result of a scheduled run, waiting for the server to start it first. */
  async function resultOf(workflowId: string): Promise<ScheduledExportResult> {
    for (let i = 0; ; i += 1) {
      try {
        return await client.workflow.getHandle<typeof scheduledExport>(workflowId).result();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || i > 120) throw err;
        await delay(500);
      }
    }
  }
  /** What a scheduled run did, day by day: [date, why, result]. */
  const daysOf = (r: ScheduledExportResult) =>
    r.days.map((x) => [x.date, x.state ? `${x.trigger}: ${x.state}` : x.trigger, x.result]);
  /** When the schedule's run that exports day d is due: 02:00 local on d + 1. */
  const at = (d: string) => DateTime.fromISO(`${addDays(d, 1)}T02:00`, { zone: TZ }).toJSDate();
  const runId = (at: Date) => `${scheduleId}-${at.toISOString().replace('.000Z', 'Z')}`;

  it('create is idempotent and describe shows the next runs with the day each exports', async () => {
    const again = await runCli('schedule', ['create'], { ...env, SCHEDULE_TIME: '03:30' });
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      new RegExp(`Schedule ${scheduleId} updated: daily at 03:30 ${TZ}, overlap BUFFER_ALL, catch-up window 72h`),
    );
    const d = await client.schedule.getHandle(scheduleId).describe();
    assert.equal(d.policies.overlap, 'BUFFER_ALL');
    assert.equal(d.policies.catchupWindow, 3 * 86_400_000);
    assert.equal(d.spec.timezone, TZ);
    const next = d.info.nextActionTimes[0]!;
    assert.equal(localDate(next, TZ) > localDate(new Date(Date.now() - 86_400_000), TZ), true);
    const described = await runCli('schedule', ['describe'], env);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Next runs:/);
    assert.ok(described.stdout.includes(addDays(localDate(next, TZ), -1)), 'the day the next run exports');
    assert.match(described.stdout, /03:30 E[SD]T/);
    const asJson = await runCli('schedule', ['describe', '--json'], env);
    assert.equal(asJson.code, 0, asJson.stderr);
    const report = JSON.parse(asJson.stdout) as { scheduleId: string; paused: boolean; next: { exports: string }[] };
    assert.equal(report.scheduleId, scheduleId);
    assert.equal(report.paused, false);
    assert.equal(report.next[0]?.exports, addDays(localDate(next, TZ), -1));
    const restored = await runCli('schedule', ['create'], env);
    assert.equal(restored.code, 0, restored.stderr);
  });

  it('pauses and unpauses, keeping the pause across create', async () => {
    assert.equal((await runCli('schedule', ['pause', '--note', 'maintenance'], env)).code, 0);
    assert.equal((await runCli('schedule', ['create'], env)).code, 0);
    const paused = await client.schedule.getHandle(scheduleId).describe();
    assert.equal(paused.state.paused, true);
    assert.equal(paused.state.note, 'maintenance');
    assert.match((await runCli('schedule', ['describe'], env)).stdout, /PAUSED \(note: maintenance\)/);
    assert.equal((await runCli('schedule', ['unpause'], env)).code, 0);
    assert.equal((await client.schedule.getHandle(scheduleId).describe()).state.paused, false);
  });

  it('a trigger exports the day before today in the schedule time zone', async () => {
    const yesterday = addDays(localDate(new Date(), TZ), -1);
    await insertCalls(ctx.clickhouse, database, table, calls(yesterday, 4));
    const before = new Date();
    const triggered = await runCli('schedule', ['trigger'], env);
    assert.equal(triggered.code, 0, triggered.stderr);
    assert.match(triggered.stdout, new RegExp(`the run exports ${yesterday}`));
    let action;
    for (let i = 0; i < 60 && !action; i += 1) {
      const d = await client.schedule.getHandle(scheduleId).describe();
      action = d.info.recentActions.find((a) => a.takenAt >= new Date(before.getTime() - 1_000));
      if (!action) await delay(500);
    }
    assert.ok(action, 'the trigger started a run');
    const result = await resultOf(action.action.workflow.workflowId);
    assert.equal(result.day, yesterday);
    const m = await manifest(yesterday);
    assert.equal(m.reason, 'scheduled: missing');
    assert.equal(m.sourceRows, 4);
    const info = await client.workflow.getHandle(action.action.workflow.workflowId).describe();
    assert.equal(info.typedSearchAttributes.get(AGENT_METRICS_DATE), yesterday);
    assert.ok(info.typedSearchAttributes.get(SCHEDULED_START_TIME), 'the server set TemporalScheduledStartTime');
  });

  it('a schedule backfill exports the day before each scheduled date, and re-exports late data of earlier days', async () => {
    // Three days whose runs all exist (none scheduled on the day clocks go forward: see the next test).
    let start: string;
    do start = addDays('2018-01-01', Math.floor(Math.random() * 2_000));
    while (datesWithoutTime({ hour: 2, minute: 0 }, TZ, new Date(`${start}T12:00:00Z`), 4).length > 0);
    const [d0, d1, d2] = dayRange(start, addDays(start, 2)) as [string, string, string];
    await insertCalls(ctx.clickhouse, database, table, [...calls(d0, 3), ...calls(d1, 5), ...calls(d2, 2)]);

    const first = await runCli('schedule', ['backfill', '--from', d0, '--to', d1], env);
    assert.equal(first.code, 0, first.stderr);
    const { start: n0, end: n1 } = nominalRangeForDays(d0, d1, TZ);
    assert.ok(n0 <= at(d0) && at(d1) <= n1, 'the replayed range holds both runs');
    const [r0, r1] = [await resultOf(runId(at(d0))), await resultOf(runId(at(d1)))];
    assert.equal(r0.day, d0, 'the run scheduled at 02:00 on d0 + 1 exports d0');
    assert.equal(r1.day, d1);
    const firstExport = await manifest(d0);
    assert.equal(firstExport.reason, 'scheduled: missing');
    assert.equal((await manifest(d1)).sourceRows, 5);

    // Late data for d0, then the run that exports d2 re-checks d1, d0 and the day before.
    await insertCalls(ctx.clickhouse, database, table, calls(d0, 1));
    assert.equal((await runCli('schedule', ['backfill', '--from', d2, '--to', d2], env)).code, 0);
    const r2 = await resultOf(runId(at(d2)));
    assert.equal(r2.day, d2);
    assert.deepEqual(daysOf(r2), [
      [d2, 'scheduled', 'exported'],
      [d0, 'lookback: stale', 'exported'],
    ]);
    const reexport = await manifest(d0);
    assert.equal(reexport.reason, 'lookback: stale');
    assert.equal(reexport.sourceRows, 4);
    assert.deepEqual(reexport.replaces, {
      generatedAt: firstExport.generatedAt,
      sha256: firstExport.csv.sha256,
      sourceFingerprint: firstExport.sourceFingerprint,
    });
  });

  it("exports the day whose run falls in the hour clocks skip, through the next run's lookback", async () => {
    // 2013-03-10 02:00 does not exist in New York, so the schedule starts no run for 2013-03-09; the run of
    // 2013-03-11 02:00 exports 2013-03-10 and finds 2013-03-09 never delivered. (Outside the other tests' dates.)
    const [gap, next] = ['2013-03-09', '2013-03-10'];
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 0 }, TZ, new Date('2013-03-09T12:00:00Z'), 3), ['2013-03-10']);
    await insertCalls(ctx.clickhouse, database, table, [...calls(gap, 3), ...calls(next, 2)]);
    const replay = await runCli('schedule', ['backfill', '--from', gap, '--to', next], env);
    assert.equal(replay.code, 0, replay.stderr);
    const r = await resultOf(runId(at(next)));
    assert.deepEqual(daysOf(r), [
      [next, 'scheduled', 'exported'],
      [gap, 'lookback: missing', 'exported'],
    ]);
    const m = await manifest(gap);
    assert.equal(m.reason, 'lookback: missing');
    assert.equal(m.sourceRows, 3);
    const described = await runCli('schedule', ['describe'], env);
    assert.match(
      described.stdout,
      /note: 02:00 does not exist in America\/New_York on \d{4}-03-\d\d \(clocks go forward\)/,
    );
  });

  it('a run started by hand uses the scheduled time it is given, and fails clearly without one', async () => {
    const config = loadConfig(['temporal', 'export', 'schedule'], env);
    const [input] = scheduleOptions(config).action.args as [Parameters<typeof scheduledExport>[0]];
    const handle = await client.workflow.start<typeof scheduledExport>('scheduledExport', {
      taskQueue: worker.taskQueue,
      workflowId: `manual-${randomUUID()}`,
      args: [{ ...input, lookbackDays: 0, nominalTime: '2016-07-05T06:00:00Z' }],
    });
    assert.equal((await handle.result()).day, '2016-07-04');
    const bare = await client.workflow.start<typeof scheduledExport>('scheduledExport', {
      taskQueue: worker.taskQueue,
      workflowId: `manual-${randomUUID()}`,
      args: [{ ...input }],
    });
    await assert.rejects(bare.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.match(String(err.cause?.message), /needs a scheduled time/);
      return true;
    });
  });

  it('refuses a bad schedule backfill range and an unknown subcommand with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['backfill', '--from', '2024-02-31', '--to', '2024-03-01'], /--from: '2024-02-31' is not a calendar date/],
      [['backfill', '--from', '2024-03-02', '--to', '2024-03-01'], /is after --to/],
      [
        ['backfill', '--from', addDays(localDate(new Date(), TZ), -1), '--to', addDays(localDate(new Date(), TZ), 5)],
        /is in the future/,
      ],
      [['reboot'], /unknown command 'reboot'/],
      [[], /Usage: agent-metrics schedule \[options\] \[command\]/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli('schedule', args, env)));
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[i]![1]);
    });
  });
});
