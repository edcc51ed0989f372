import { dayIndexSql, spanFilterSql, type DaySlots } from './day-slots';
import { qualifiedName } from './sql-literals';

/**
 * Whether a row's call_duration_sec differs by more than 1 s from call_end - call_start (docs/contract.md §9): a
 * duration mismatch. The one place the test is written.
 */
export const DURATION_MISMATCH = (() => {
  const seconds = (column: string) => `toInt64(toUInt32(${column}))`;
  return `abs(toInt64(call_duration_sec) - (${seconds('call_end')} - ${seconds('call_start')})) > 1`;
})();

/**
 * Rows of each day of `slots` whose call_duration_sec differs by more than 1 s from call_end - call_start
 * (docs/contract.md §9), by `day` (1-based; days without rows are absent). Reads three small columns.
 */
export function durationMismatchesSql(s: { database: string; table: string; slots: DaySlots }): string {
  return `SELECT day, countIf(${DURATION_MISMATCH}) AS duration_mismatches
FROM
(
  SELECT ${dayIndexSql(s.slots)} AS day, call_duration_sec, call_start, call_end
  FROM ${qualifiedName(s.database, s.table)}
  WHERE ${spanFilterSql(s.slots)}
)
WHERE day != 0
GROUP BY day
ORDER BY day`;
}
