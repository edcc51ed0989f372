import assert from 'node:assert/strict';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { scheduleOptions } from '../../client/schedule-options';
import { loadConfig } from '../../lib/config';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots, dayIndexSql } from '../../lib/clickhouse/day-slots';
import { dayRange } from '../../common/calendar';
import type { DayStatus } from '../../common/day-state';
import { dayWorkflowId, nominalTimeFromWorkflowId } from '../../common/workflow-ids';
import { dayState, planDay, planLookbackDay } from '../../lib/days/day-plan';
import { dayWindow } from '../../lib/days/day-window';
import { datesWithoutTime, nominalRangeForDays, scheduledDay } from '../../lib/days/schedule-day';

/** The day (1-based, 0 = none) the slot formula gives an instant, evaluated in JS as ClickHouse evaluates it. */
function slotDay(s: ReturnType<typeof daySlots>, t: number): number {
  return s.slots[Math.floor((t - s.startEpoch) / s.slotSeconds)] ?? 0;
}

/** The day an instant belongs to, straight from luxon's day windows: the reference. */
function windowDay(days: readonly string[], tz: string, t: number): number {
  const i = days.findIndex((d) => {
    const w = dayWindow(d, tz);
    return t >= w.startEpoch && t < w.endEpoch;
  });
  return i + 1;
}

describe('batch day slots', () => {
  it('uses whole days in UTC', () => {
    const s = daySlots(['2024-03-09', '2024-03-10', '2024-03-11'], 'UTC');
    assert.equal(s.slotSeconds, 86_400);
    assert.deepEqual(s.slots, [1, 2, 3]);
  });

  it('cuts hours across a DST change and gives each day its 23 or 25 hours', () => {
    const spring = daySlots(['2024-03-09', '2024-03-10', '2024-03-11'], 'America/New_York');
    assert.equal(spring.slotSeconds, 3_600);
    assert.deepEqual(
      [1, 2, 3].map((d) => spring.slots.filter((x) => x === d).length),
      [24, 23, 24],
    );
    const fall = daySlots(['2024-11-02', '2024-11-03'], 'America/New_York');
    assert.deepEqual(
      [1, 2].map((d) => fall.slots.filter((x) => x === d).length),
      [24, 25],
    );
  });

  it('marks the days of the span that are not in the batch with 0', () => {
    const s = daySlots(['2024-01-01', '2024-01-03', '2024-01-06'], 'UTC');
    assert.deepEqual(s.slots, [1, 0, 2, 0, 0, 3]);
  });

  for (const tz of ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London']) {
    it(`puts every instant in the same day as the day windows do (${tz})`, () => {
      const days = dayRange('2024-03-28', '2024-04-10').filter((_, i) => i % 3 !== 1);
      const s = daySlots(days, tz);
      assert.ok(s.slots.length > 0);
      for (let t = s.startEpoch; t < s.endEpoch; t += 599)
        assert.equal(slotDay(s, t), windowDay(days, tz, t), `at ${t}`);
    });
  }

  it('falls back to range tests when the day lengths share no useful divisor', () => {
    // 1883-11-18 in New York: local mean time ended at noon, so that day lasted 24 h 3 min 58 s.
    const s = daySlots(['1883-11-17', '1883-11-18', '1883-11-19'], 'America/New_York');
    assert.equal(s.slots.length, 0);
    assert.match(dayIndexSql(s), /^multiIf\(/);
  });

  it('refuses days out of order', () => {
    assert.throws(() => daySlots(['2024-01-02', '2024-01-01'], 'UTC'), RangeError);
  });
});

describe('batch SQL', () => {
  const slots = daySlots(['2024-03-09', '2024-03-10'], 'UTC');

  it('groups duplicates by day and conversation and sorts by day, then agent text', () => {
    const batch = batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Answered']);
    assert.ok(batch.includes("call_status IN ('Answered')"));
    assert.match(batch, /GROUP BY k HAVING count\(\) > 1/);
    assert.match(batch, /argMaxIf\(tuple\(agent_id, call_duration_sec, call_status\), tuple\(updated_at, .*\), dup\)/);
    assert.match(batch, /GROUP BY day, conversation, group_agent\n/);
    assert.match(batch, /ORDER BY day, agent_id$/);
  });

  it('refuses an unknown status and a bad table name', () => {
    assert.throws(() => batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Nope' as never]), RangeError);
    assert.throws(() => batchWindowStatsSql({ database: 'db', table: 't; DROP', slots }), RangeError);
  });
});

describe('the scheduled day', () => {
  it('is the day before the local date of the scheduled time', () => {
    assert.equal(scheduledDay(new Date('2024-03-11T02:00:00Z'), 'UTC'), '2024-03-10');
    assert.equal(scheduledDay(new Date('2024-03-11T06:00:00Z'), 'America/New_York'), '2024-03-10');
    // 01:00 UTC on the 11th is still the evening of the 10th in New York.
    assert.equal(scheduledDay(new Date('2024-03-11T01:00:00Z'), 'America/New_York'), '2024-03-09');
    assert.equal(scheduledDay(new Date('2024-01-01T02:00:00Z'), 'UTC'), '2023-12-31');
  });

  it('reads the nominal time the server appends to a scheduled run id', () => {
    assert.equal(
      nominalTimeFromWorkflowId('agent-metrics-daily-2024-03-11T06:00:00Z')?.toISOString(),
      '2024-03-11T06:00:00.000Z',
    );
    assert.equal(nominalTimeFromWorkflowId('agent-metrics-2024-03-10'), undefined);
  });

  it('maps days to the scheduled times that export them', () => {
    const r = nominalRangeForDays('2024-03-09', '2024-03-10', 'America/New_York');
    assert.equal(r.start.toISOString(), '2024-03-10T05:00:00.000Z');
    assert.equal(r.end.toISOString(), '2024-03-12T03:59:59.000Z');
  });

  it('finds the dates on which the daily time falls in the hour clocks skip', () => {
    const from = new Date('2024-01-01T12:00:00Z');
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 0 }, 'America/New_York', from, 366), ['2024-03-10']);
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 30 }, 'Europe/Berlin', from, 366), ['2024-03-31']);
    assert.deepEqual(datesWithoutTime({ hour: 1, minute: 30 }, 'Europe/London', from, 366), ['2024-03-31']);
    assert.deepEqual(datesWithoutTime({ hour: 3, minute: 0 }, 'America/New_York', from, 366), []);
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 0 }, 'UTC', from, 366), []);
  });
});

describe('day states and backfill decisions', () => {
  const day = (state: DayStatus['state'], sourceRows = 10): DayStatus => ({
    date: 'd',
    state,
    detail: 'x',
    sourceRows,
    fingerprint: 'f',
    delivery: { state: state === 'running' ? 'missing' : state, detail: 'x' },
  });
  const verified = { state: 'verified' as const, detail: 'ok' };
  const run = (status: string) => ({
    status,
    runId: 'r',
    startTime: '2024-01-01T00:00:00Z',
    closeTime: '2024-01-01T00:01:00Z',
  });

  it('names the one workflow id a day has, as the export command does', () => {
    assert.equal(dayWorkflowId('2024-03-10'), 'agent-metrics-2024-03-10');
  });

  it('derives each state from the delivery and the latest run', () => {
    assert.equal(dayState(verified, run('RUNNING')).state, 'running');
    assert.equal(dayState(verified, run('FAILED')).state, 'verified');
    assert.equal(dayState({ state: 'failed', detail: 'sha' }).state, 'failed');
    assert.equal(dayState({ state: 'missing', detail: 'no manifest' }, run('FAILED')).state, 'failed');
    assert.equal(dayState({ state: 'stale', detail: 'changed' }, run('TIMED_OUT')).state, 'failed');
    assert.equal(dayState({ state: 'stale', detail: 'changed' }, run('COMPLETED')).state, 'stale');
    assert.equal(dayState({ state: 'missing', detail: 'no manifest' }).state, 'missing');
  });

  it('skips up-to-date days unless forced, and days --only leaves out', () => {
    const opts = { only: 'all' as const, force: false, minRows: 1 };
    assert.equal(planDay(day('verified'), opts).action, 'skip');
    assert.equal(planDay(day('verified'), { ...opts, force: true }).action, 'run');
    assert.equal(planDay(day('stale'), opts).action, 'run');
    assert.equal(planDay(day('running'), opts).action, 'attach');
    assert.equal(planDay(day('missing'), { ...opts, only: 'failed' }).action, 'skip');
    assert.equal(planDay(day('failed'), { ...opts, only: 'failed' }).action, 'run');
    assert.match(planDay(day('missing', 0), opts).why, /waits for data/);
  });

  it("exports a scheduled run's stale lookback days, and missing ones only when they hold data", () => {
    assert.equal(planLookbackDay(day('stale'), 1).action, 'run');
    assert.equal(planLookbackDay(day('missing'), 1).action, 'run');
    assert.equal(planLookbackDay(day('missing', 0), 0).action, 'skip');
    assert.equal(planLookbackDay(day('missing', 5), 6).action, 'skip');
    for (const state of ['verified', 'failed', 'running'] as const)
      assert.equal(planLookbackDay(day(state), 1).action, 'skip');
  });
});

describe('schedule options', () => {
  const base = { CLICKHOUSE_HOST: 'h', S3_BUCKET_NAME: 'bucket', TEMPORAL_TASK_QUEUE: 'q' };

  it('runs daily at 02:00 in EXPORT_TIMEZONE by default, buffering overlaps, with a 3-day catch-up window', () => {
    const config = loadConfig(['temporal', 'export', 'schedule'], { ...base, EXPORT_TIMEZONE: 'America/New_York' });
    const o = scheduleOptions(config);
    assert.equal(o.spec.timezone, 'America/New_York');
    assert.deepEqual(
      o.spec.calendars?.map((c) => [c.hour, c.minute]),
      [[2, 0]],
    );
    assert.equal(o.policies?.overlap, ScheduleOverlapPolicy.BUFFER_ALL);
    assert.equal(o.policies?.catchupWindow, 3 * 86_400_000);
    assert.equal(o.action.workflowType, 'scheduledExport');
    assert.equal(o.action.workflowId, 'agent-metrics-daily');
    const [input] = o.action.args as [
      { scheduleTimezone: string; lookbackDays: number; template: { timezone: string } },
    ];
    assert.equal(input.scheduleTimezone, 'America/New_York');
    assert.equal(input.lookbackDays, 3);
  });

  it('takes SCHEDULE_TIMEZONE, SCHEDULE_TIME or SCHEDULE_CRON when set', () => {
    const timed = scheduleOptions(
      loadConfig(['temporal', 'export', 'schedule'], {
        ...base,
        SCHEDULE_TIMEZONE: 'Europe/Paris',
        SCHEDULE_TIME: '05:45',
      }),
    );
    assert.equal(timed.spec.timezone, 'Europe/Paris');
    assert.deepEqual(
      timed.spec.calendars?.map((c) => [c.hour, c.minute]),
      [[5, 45]],
    );
    const cron = scheduleOptions(
      loadConfig(['temporal', 'export', 'schedule'], { ...base, SCHEDULE_CRON: '30 1 * * *' }),
    );
    assert.deepEqual(cron.spec.cronExpressions, ['30 1 * * *']);
    assert.equal(cron.spec.calendars, undefined);
  });
});
