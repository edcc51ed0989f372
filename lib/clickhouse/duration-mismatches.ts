import type { Services } from '../services';
import { durationMismatchesSql } from './data-quality-sql';
import type { DaySlots } from './day-slots';
import { queryRows, type QueryOptions } from './query';

/** Each day's duration mismatches (docs/contract.md §9), in the order of `slots.days`. */
export async function readDurationMismatches(
  deps: Pick<Services, 'clickhouse' | 'database'>,
  input: { table: string; slots: DaySlots },
  options: QueryOptions = {},
): Promise<number[]> {
  const sql = durationMismatchesSql({ database: deps.database, table: input.table, slots: input.slots });
  const rows = await queryRows<{ day: number | string; duration_mismatches: string }>(deps.clickhouse, sql, options);
  const byDay = new Map(rows.map((r) => [Number(r.day), Number(r.duration_mismatches)]));
  return input.slots.days.map((_, i) => byDay.get(i + 1) ?? 0);
}
