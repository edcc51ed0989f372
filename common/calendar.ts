/**
 * Calendar days written `YYYY-MM-DD`: plain dates, no time zones, no I/O, so workflow code may use them. Day
 * windows in a time zone (which need luxon) are lib/days/day-window.ts.
 */
const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Thrown when a day is not a real calendar date in YYYY-MM-DD form. */
export class InvalidDayError extends RangeError {
  override readonly name = 'InvalidDayError';
}

/** Returns the day unchanged if it is a real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function parseDay(value: string): string {
  if (typeof value !== 'string' || !DAY_PATTERN.test(value)) {
    throw new InvalidDayError(`'${String(value)}' is not a date in YYYY-MM-DD form`);
  }
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new InvalidDayError(`'${value}' is not a calendar date`);
  }
  return value;
}

/** The day `days` days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${parseDay(date)}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The days from `from` to `to`, both included (none when `from` is after `to`). */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = parseDay(from); d <= parseDay(to); d = addDays(d, 1)) out.push(d);
  return out;
}
