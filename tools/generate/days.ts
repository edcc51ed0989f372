import { DateTime } from 'luxon';
import { parseDay } from '../../common/calendar';
import { dayWindow } from '../../lib/days/day-window';

/** One local calendar day and the instants (Unix seconds) the generator spreads its calls over. */
export interface CallWindow {
  /** The local calendar day, `YYYY-MM-DD`. */
  readonly date: string;
  /** D 00:00 local, inclusive: the export's own day window (lib/day-window.ts). */
  readonly start: number;
  /** D+1 00:00 local, exclusive: 23, 24 or 25 hours after `start`. */
  readonly end: number;
  /** 08:00 to 20:00 local, where most calls fall. */
  readonly busyStart: number;
  readonly busyEnd: number;
}

/** True for a real calendar date written `YYYY-MM-DD` (so 2024-02-30 and 2023-02-29 are not). */
export function isIsoDate(value: string): boolean {
  try {
    parseDay(value);
    return true;
  } catch {
    return false;
  }
}

/** The day's window in `timezone` (DST days are 23 or 25 hours long) and its busy hours. */
export function callWindow(date: string, timezone: string): CallWindow {
  const window = dayWindow(date, timezone);
  const local = DateTime.fromSeconds(window.startEpoch, { zone: timezone });
  const at = (hour: number) => Math.floor(local.set({ hour, minute: 0, second: 0 }).toSeconds());
  return { date, start: window.startEpoch, end: window.endEpoch, busyStart: at(8), busyEnd: at(20) };
}
