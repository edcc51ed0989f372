import type { DayOutcome } from './backfill-types';
import type { DayState } from './day-state';
import type { ExportTemplate } from './export-types';

/** Fixed when the schedule is created or updated (`npm run schedule -- create`): the run works out its own day. */
export interface ScheduledExportInput {
  readonly template: ExportTemplate;
  readonly scheduleTimezone: string;
  readonly lookbackDays: number;
  /** Only for a run started by hand, outside the schedule: the scheduled time (ISO) to act as. */
  readonly nominalTime?: string;
}

/** A day of a scheduled run: its own day (`scheduled`), or an earlier one its lookback exported, and why. */
export interface ScheduledDayOutcome extends DayOutcome {
  readonly trigger: 'scheduled' | 'lookback';
  /** For a lookback day: the state that made the run export it. */
  readonly state?: Extract<DayState, 'stale' | 'missing'>;
}

export interface ScheduledExportResult {
  readonly nominalTime: string;
  readonly day: string;
  readonly days: readonly ScheduledDayOutcome[];
}
