import type { DayWindow } from '../../common/export-types';
import { dayWindow } from '../days/day-window';
import { customerFilterSql } from './customer-filter';
import { intLiteral } from './sql-literals';

/**
 * How one query tells the days of a batch apart. Day windows are computed here with luxon (Node's ICU time-zone
 * data), never with ClickHouse's toDate(call_start, tz): 18.16 ships 2018 zone data, which may disagree.
 * The span [startEpoch, endEpoch) from the first day's start to the last day's end is cut into equal slots of
 * `slotSeconds` (the greatest common divisor of all day lengths: 86,400 in UTC, 3,600 across a DST change, 900 in
 * quarter-hour zones); `slots[k]` is the 1-based position in `days` of the day holding slot k, 0 for a day of the
 * span that is not in the batch.
 */
export interface DaySlots {
  readonly days: readonly string[];
  readonly startEpoch: number;
  readonly endEpoch: number;
  /** Each day's window, in the order of `days`. */
  readonly windows: readonly DayWindow[];
  /** Each day's [start, end) in Unix seconds, in the order of `days`. */
  readonly bounds: readonly (readonly [number, number])[];
  readonly slotSeconds: number;
  readonly slots: readonly number[];
  /** Only this customer's rows (docs/contract.md §11); unset: every row. Part of the span filter. */
  readonly customerId?: string | undefined;
}

/** Above this many slots a query would grow too long (ClickHouse's max_query_size is 256 KiB): use range tests. */
export const MAX_SLOTS = 20_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The slots of `days` (distinct, ascending, any gaps) in `timezone`, of `customerId`'s rows when given. */
export function daySlots(days: readonly string[], timezone: string, customerId?: string): DaySlots {
  if (days.length === 0) throw new RangeError('a batch needs at least one day');
  for (let i = 1; i < days.length; i += 1) {
    if (days[i]! <= days[i - 1]!)
      throw new RangeError(`days must be distinct and ascending: ${days[i - 1]}, ${days[i]}`);
  }
  const windows = days.map((d) => dayWindow(d, timezone));
  const bounds = windows.map((w) => [w.startEpoch, w.endEpoch] as const);
  const startEpoch = windows[0]!.startEpoch;
  const endEpoch = windows[windows.length - 1]!.endEpoch;
  let slotSeconds = endEpoch - startEpoch;
  for (const [start, end] of bounds) slotSeconds = gcd(gcd(slotSeconds, start - startEpoch), end - startEpoch);
  const count = (endEpoch - startEpoch) / slotSeconds;
  const slots: number[] = [];
  if (count <= MAX_SLOTS) {
    let day = 0;
    for (let k = 0; k < count; k += 1) {
      const t = startEpoch + k * slotSeconds;
      while (day < bounds.length && bounds[day]![1] <= t) day += 1;
      slots.push(day < bounds.length && bounds[day]![0] <= t ? day + 1 : 0);
    }
  }
  return { days, startEpoch, endEpoch, windows, bounds, slotSeconds, slots, ...(customerId ? { customerId } : {}) };
}

/**
 * `call_start` within the span (and the customer, when the export has one): the WHERE every batch query starts from
 * (epoch bounds, see metrics-sql.ts).
 */
export function spanFilterSql(s: DaySlots): string {
  return `${customerFilterSql(s.customerId)}call_start >= ${intLiteral(s.startEpoch)} AND call_start < ${intLiteral(s.endEpoch)}`;
}

/**
 * The 1-based position in `days` of a row's day (0 when its day is not in the batch), for rows already inside the
 * span: one array look-up per row, or a chain of range tests when the slots would be too many.
 */
export function dayIndexSql(s: DaySlots): string {
  if (s.slots.length > 0) {
    const offset = `intDiv(toInt64(toUInt32(call_start)) - ${intLiteral(s.startEpoch)}, ${intLiteral(s.slotSeconds)})`;
    return `arrayElement([${s.slots.map((n) => intLiteral(n)).join(', ')}], ${offset} + 1)`;
  }
  const tests = s.bounds.flatMap(([start, end], i) => [
    `call_start >= ${intLiteral(start)} AND call_start < ${intLiteral(end)}`,
    intLiteral(i + 1),
  ]);
  return `multiIf(${tests.join(', ')}, 0)`;
}
