import { DateTime } from 'luxon';
import { addDays, parseDay } from '../../common/calendar';
import { localDate } from './day-window';

/**
 * The day a scheduled run exports: the day before the local date of its *nominal* (scheduled) time in the
 * schedule's time zone. A catch-up run, a schedule backfill and a trigger all carry their own nominal time
 * (TemporalScheduledStartTime), so each exports its own day, not "yesterday" at the moment it happens to run.
 */
export function scheduledDay(nominal: Date, scheduleTimezone: string): string {
  return addDays(localDate(nominal, scheduleTimezone), -1);
}

/**
 * The instants whose scheduled runs export the days `from`…`to`: every action time whose local date lies in
 * [from + 1, to + 1], as [start, end] for a schedule backfill (both inclusive).
 */
export function nominalRangeForDays(from: string, to: string, scheduleTimezone: string): { start: Date; end: Date } {
  const first = DateTime.fromISO(addDays(parseDay(from), 1), { zone: scheduleTimezone }).startOf('day');
  const afterLast = DateTime.fromISO(addDays(parseDay(to), 2), { zone: scheduleTimezone }).startOf('day');
  return { start: first.toJSDate(), end: new Date(afterLast.toMillis() - 1_000) };
}

/**
 * The local dates, among the `days` days from `from`, on which `hour:minute` does not exist in `timezone` (it falls
 * in the hour skipped when clocks go forward). Temporal starts no run on those dates; the next run's lookback exports
 * the day that run would have exported (see planLookbackDay).
 */
export function datesWithoutTime(
  time: { hour: number; minute: number },
  timezone: string,
  from: Date,
  days: number,
): string[] {
  const first = DateTime.fromJSDate(from, { zone: timezone }).startOf('day');
  const dates: string[] = [];
  for (let i = 0; i < days; i += 1) {
    const d = first.plus({ days: i });
    const at = DateTime.fromObject(
      { year: d.year, month: d.month, day: d.day, hour: time.hour, minute: time.minute },
      { zone: timezone },
    );
    if (at.hour !== time.hour || at.minute !== time.minute) dates.push(d.toISODate() ?? '');
  }
  return dates;
}
