import assert from 'node:assert/strict';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { scheduleId, scheduleOptions } from '../../client/schedule-options';
import { loadConfig } from '../../lib/config';

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
    assert.equal(o.action.workflowId, 'agent-metrics-default-daily');
    const [input] = o.action.args as [
      { scheduleTimezone: string; lookbackDays: number; template: { timezone: string } },
    ];
    assert.equal(input.scheduleTimezone, 'America/New_York');
    assert.equal(input.lookbackDays, 3);
  });

  it('names the export in the schedule id unless SCHEDULE_ID is set', () => {
    const named = loadConfig(['temporal', 'export', 'schedule'], { ...base, EXPORT_NAME: 'emea' });
    assert.equal(scheduleId(named), 'agent-metrics-emea-daily');
    assert.equal(scheduleOptions(named).action.workflowId, 'agent-metrics-emea-daily');
    const set = loadConfig(['temporal', 'export', 'schedule'], { ...base, EXPORT_NAME: 'emea', SCHEDULE_ID: 'mine' });
    assert.equal(scheduleId(set), 'mine');
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
