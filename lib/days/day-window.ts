import { DateTime } from 'luxon';
import { parseDay } from '../../common/calendar';
import type { DayWindow } from '../../common/export-types';

export function dayWindow(date: string, timezone: string): DayWindow {
  const start = DateTime.fromISO(parseDay(date), { zone: timezone }).startOf('day');
  if (!start.isValid) throw new RangeError(`unknown time zone '${timezone}'`);
  const end = start.plus({ days: 1 }).startOf('day');
  return {
    date,
    timezone,
    startEpoch: Math.floor(start.toSeconds()),
    endEpoch: Math.floor(end.toSeconds()),
    startIso: start.toUTC().toISO({ suppressMilliseconds: true }) ?? '',
    endIso: end.toUTC().toISO({ suppressMilliseconds: true }) ?? '',
    hours: end.diff(start, 'hours').hours,
  };
}

/** The local calendar date of an instant in a time zone. */
export function localDate(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toISODate() ?? '';
}
