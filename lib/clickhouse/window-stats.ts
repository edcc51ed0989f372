import { batchWindowStatsSql } from './batch-sql';
import { daySlots } from './day-slots';
import type { WindowStats } from '../../common/export-types';
import { queryRows } from './query';
import type { ActivityDeps } from '../../activities/deps';

interface BatchStatsRow {
  day: number | string;
  source_rows: string;
  row_hash_sum: string;
}

/** Days per fingerprint query: a year of hourly slots keeps the SQL text far below ClickHouse's max_query_size. */
const DAYS_PER_QUERY = 366;

/**
 * Row count and source fingerprint of each of `days` (ascending), one query per up to a year of days instead of one
 * per day. Each day's figures equal what `readWindowStats` reads for that day alone (an integration test checks).
 */
export async function readBatchStats(
  deps: Pick<ActivityDeps, 'clickhouse' | 'database'>,
  input: { days: readonly string[]; timezone: string; table: string },
  signal?: AbortSignal,
): Promise<WindowStats[]> {
  const out: WindowStats[] = [];
  for (let i = 0; i < input.days.length; i += DAYS_PER_QUERY) {
    const days = input.days.slice(i, i + DAYS_PER_QUERY);
    const slots = daySlots(days, input.timezone);
    const rows = await queryRows<BatchStatsRow>(
      deps.clickhouse,
      batchWindowStatsSql({ database: deps.database, table: input.table, slots }),
      signal,
    );
    const byDay = new Map(rows.map((r) => [Number(r.day), r]));
    days.forEach((date, index) => {
      const row = byDay.get(index + 1);
      const sourceRows = Number(row?.source_rows ?? 0);
      const fingerprint = `${sourceRows}:${BigInt(row?.row_hash_sum ?? 0).toString(16)}`;
      out.push(windowStats(date, slots.bounds[index]!, sourceRows, fingerprint));
    });
  }
  return out;
}

/** A day's WindowStats from its [start, end) bounds and counts already read. */
export function windowStats(
  date: string,
  [startEpoch, endEpoch]: readonly [number, number],
  sourceRows: number,
  fingerprint: string,
): WindowStats {
  return {
    date,
    startEpoch,
    endEpoch,
    startIso: isoSeconds(startEpoch),
    endIso: isoSeconds(endEpoch),
    hours: (endEpoch - startEpoch) / 3600,
    sourceRows,
    fingerprint,
  };
}

/** `2024-03-10T05:00:00Z`, as dayWindow writes window bounds. */
function isoSeconds(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}
