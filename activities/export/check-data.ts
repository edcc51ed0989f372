import { dayWindow } from '../../lib/days/day-window';
import type { WindowStats } from '../../common/export-types';
import { windowStatsSql } from '../../lib/clickhouse/metrics-sql';
import { queryRows } from '../../lib/clickhouse/query';
import type { ActivityDeps } from '../deps';

interface StatsRow {
  source_rows: string;
  row_hash_sum: string;
}

/** The day's window, its row count and source fingerprint (count and hash sum of its rows). */
export async function readWindowStats(
  deps: ActivityDeps,
  input: { date: string; timezone: string; table: string },
  signal?: AbortSignal,
): Promise<WindowStats> {
  const w = dayWindow(input.date, input.timezone);
  const sql = windowStatsSql({ database: deps.database, table: input.table, ...w });
  const [row] = await queryRows<StatsRow>(deps.clickhouse, sql, signal);
  const sourceRows = Number(row?.source_rows ?? 0);
  return {
    date: w.date,
    startEpoch: w.startEpoch,
    endEpoch: w.endEpoch,
    startIso: w.startIso,
    endIso: w.endIso,
    hours: w.hours,
    sourceRows,
    fingerprint: `${sourceRows}:${BigInt(row?.row_hash_sum ?? 0).toString(16)}`,
  };
}
