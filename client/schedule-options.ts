import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleSpec,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Config } from '../lib/config';
import type { ScheduledExportInput } from '../common/scheduled-types';
import { AGENT_METRICS_EXPORT, defaultScheduleId } from '../common/workflow-ids';
import { exportTemplate } from './command-input';

export type ScheduleConfig = Config<'temporal' | 'export' | 'schedule'>;

/**
 * Every scheduled action exports a different day, so none may be dropped: BUFFER_ALL runs an action that comes due
 * while another runs (a day still waiting for its data, catch-up after an outage) right after it, instead of
 * skipping its day (SKIP) or all but one (BUFFER_ONE). Runs never overlap, so ClickHouse sees one export at a time.
 */
export const SCHEDULE_OVERLAP = ScheduleOverlapPolicy.BUFFER_ALL;

/** A manual trigger starts at once: if its day is being exported already, its run waits for that export. */
export const TRIGGER_OVERLAP = ScheduleOverlapPolicy.ALLOW_ALL;

/** SCHEDULE_ID, else `agent-metrics-<EXPORT_NAME>-daily`: two exports in one namespace get two schedules. */
export function scheduleId(config: ScheduleConfig): string {
  return config.schedule.SCHEDULE_ID ?? defaultScheduleId(config.export.EXPORT_NAME);
}

export function scheduleTimezone(config: ScheduleConfig): string {
  return config.schedule.SCHEDULE_TIMEZONE ?? config.export.EXPORT_TIMEZONE;
}

export function scheduleSpec(config: ScheduleConfig): ScheduleSpec {
  const timezone = scheduleTimezone(config);
  if (config.schedule.SCHEDULE_CRON) return { cronExpressions: [config.schedule.SCHEDULE_CRON], timezone };
  const [hour, minute] = config.schedule.SCHEDULE_TIME.split(':').map(Number);
  return {
    calendars: [{ hour: hour ?? 2, minute: minute ?? 0, comment: `daily at ${config.schedule.SCHEDULE_TIME}` }],
    timezone,
  };
}

/** The whole schedule as the environment describes it (SCHEDULE_*, the export settings, the task queue). */
export function scheduleOptions(config: ScheduleConfig): ScheduleUpdateOptions {
  const input: ScheduledExportInput = {
    template: exportTemplate(config.export),
    scheduleTimezone: scheduleTimezone(config),
    lookbackDays: config.schedule.LOOKBACK_DAYS,
  };
  return {
    spec: scheduleSpec(config),
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledExport',
      taskQueue: config.temporal.TEMPORAL_TASK_QUEUE,
      args: [input],
      // The server appends each run's scheduled time: <SCHEDULE_ID>-2024-03-11T06:00:00Z.
      workflowId: scheduleId(config),
      typedSearchAttributes: [{ key: AGENT_METRICS_EXPORT, value: config.export.EXPORT_NAME }],
      staticSummary: `daily agent metrics ${config.export.EXPORT_NAME}: the day before the run's scheduled date`,
    },
    policies: {
      overlap: SCHEDULE_OVERLAP,
      catchupWindow: config.schedule.SCHEDULE_CATCHUP_WINDOW,
      pauseOnFailure: false,
    },
    state: {},
  };
}

/** Creates the schedule, or updates it in place to the environment's settings when it exists (paused state kept). */
export async function createOrUpdateSchedule(client: Client, config: ScheduleConfig): Promise<'created' | 'updated'> {
  const options = scheduleOptions(config);
  const id = scheduleId(config);
  try {
    await client.schedule.create({ scheduleId: id, ...options } as ScheduleOptions);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule
    .getHandle(id)
    .update((prev) => ({ ...options, state: { paused: prev.state.paused, note: prev.state.note } }));
  return 'updated';
}
