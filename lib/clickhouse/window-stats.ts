import type { WindowStats } from '../../common/export-types';
import { dayWindow } from '../days/day-window';
import type { Services } from '../services';
import { batchWindowStatsSql } from './batch-sql';
import { daySlots } from './day-slots';
import { windowStatsSql, type RowHash } from './metrics-sql';
import { queryRows, type QueryOptions } from './query';

interface StatsRow {
  source_rows: string;
  row_hash_sum: string;
  duration_mismatches: string;
}

/** What starts a fingerprint of ROW_HASH; one without it is of LEGACY_ROW_HASH, from a manifest of an earlier release. */
const CURRENT_PREFIX = 'h2:';

/** Whether `fingerprint` (a manifest's) was taken with the row hash of the releases before this one. */
export function isLegacyFingerprint(fingerprint: string): boolean {
  return !fingerprint.startsWith(CURRENT_PREFIX);
}

/**
 * The source fingerprint of a day (its row count and the sum (mod 2^64) of its rows' hashes, ROW_HASH: `h2:<rows>:<hex>`;
 * `<rows>:<hex>` for LEGACY_ROW_HASH) and its duration mismatches.
 */
function dayStats(
  row: StatsRow | undefined,
  hash: RowHash,
): {
  sourceRows: number;
  fingerprint: string;
  durationMismatches: number;
} {
  const sourceRows = Number(row?.source_rows ?? 0);
  const prefix = hash === 'legacy' ? '' : CURRENT_PREFIX;
  return {
    sourceRows,
    fingerprint: `${prefix}${sourceRows}:${BigInt(row?.row_hash_sum ?? 0).toString(16)}`,
    durationMismatches: Number(row?.duration_mismatches ?? 0),
  };
}

/** The day's window, its row count, source fingerprint and duration mismatches: what "check data" reads. */
export async function readWindowStats(
  deps: Pick<Services, 'clickhouse' | 'database'>,
  input: { date: string; timezone: string; table: string; customerId?: string | undefined },
  options: QueryOptions = {},
  hash: RowHash = 'current',
): Promise<WindowStats> {
  const w = dayWindow(input.date, input.timezone);
  const sql = windowStatsSql({ database: deps.database, table: input.table, customerId: input.customerId, ...w }, hash);
  const [row] = await queryRows<StatsRow>(deps.clickhouse, sql, options);
  return { ...w, ...dayStats(row, hash) };
}

/** Days per fingerprint query: a year of hourly slots keeps the SQL text far below ClickHouse's max_query_size. */
const DAYS_PER_QUERY = 366;

/**
 * Row count and source fingerprint of each of `days` (ascending), one query per up to a year of days instead of one
 * per day. Each day's figures equal what `readWindowStats` reads for that day alone (an integration test checks).
 */
export async function readBatchStats(
  deps: Pick<Services, 'clickhouse' | 'database'>,
  input: { days: readonly string[]; timezone: string; table: string; customerId?: string | undefined },
  options: QueryOptions = {},
  hash: RowHash = 'current',
): Promise<WindowStats[]> {
  const out: WindowStats[] = [];
  for (let i = 0; i < input.days.length; i += DAYS_PER_QUERY) {
    const days = input.days.slice(i, i + DAYS_PER_QUERY);
    const slots = daySlots(days, input.timezone, input.customerId);
    const rows = await queryRows<StatsRow & { day: number | string }>(
      deps.clickhouse,
      batchWindowStatsSql({ database: deps.database, table: input.table, slots }, hash),
      options,
    );
    const byDay = new Map(rows.map((r) => [Number(r.day), r]));
    days.forEach((date, index) => out.push({ ...slots.windows[index]!, ...dayStats(byDay.get(index + 1), hash) }));
  }
  return out;
}
