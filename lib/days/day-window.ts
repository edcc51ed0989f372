import { DateTime } from 'luxon';

/** One export day: the calls whose call_start lies in [start, end) local time, as Unix seconds and ISO instants. */
export interface DayWindow {
  readonly date: string;
  readonly timezone: string;
  readonly startEpoch: number;
  readonly endEpoch: number;
  readonly startIso: string;
  readonly endIso: string;
  readonly hours: number;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Thrown when a day is not a real calendar date in YYYY-MM-DD form. */
export class InvalidDayError extends RangeError {
  override readonly name = 'InvalidDayError';
}

/** Returns the day unchanged if it is a real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function parseDay(value: string): string {
  if (!DAY_PATTERN.test(value)) throw new InvalidDayError(`'${value}' is not a date in YYYY-MM-DD form`);
  const parsed = DateTime.fromISO(value, { zone: 'UTC' });
  if (!parsed.isValid)
    throw new InvalidDayError(`'${value}' is not a calendar date (${parsed.invalidExplanation ?? 'invalid'})`);
  return value;
}

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

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(parseDay(date), { zone: 'UTC' }).plus({ days }).toISODate() ?? date;
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = parseDay(from); day <= parseDay(to); day = addDays(day, 1)) days.push(day);
  return days;
}

/** The local calendar date of an instant in a time zone. */
export function localDate(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toISODate() ?? '';
}
