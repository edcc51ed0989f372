import type { ClickHouseClient } from '@clickhouse/client';
import type { CallStatus } from '../../common/call-status';
import type { MetricColumn } from '../../common/metric-columns';
import { batchAgentMetricsSql } from './batch-sql';
import type { DaySlots } from './day-slots';
import { optionalColumnsSql } from './optional-columns-sql';
import type { QueryOptions } from './query';
import { isDistributedTable } from './table-engine';

export interface MetricsQuerySource {
  readonly database: string;
  readonly table: string;
  readonly slots: DaySlots;
  readonly statuses: readonly CallStatus[];
  readonly columns?: readonly MetricColumn[] | undefined;
}

/**
 * The per-day, per-agent metrics query of `slots` (one day or a backfill's batch): the tuned query for the five
 * required columns, or the optional columns' query when columns are asked for (docs/contract.md §9); over a
 * Distributed table in its form for shards (docs/contract.md §2).
 */
export async function metricsQuerySql(
  ch: ClickHouseClient,
  s: MetricsQuerySource,
  query: QueryOptions,
): Promise<string> {
  const distributed = await isDistributedTable(ch, s.database, s.table, query);
  const source = { database: s.database, table: s.table, slots: s.slots, distributed };
  const columns = s.columns ?? [];
  return columns.length > 0
    ? optionalColumnsSql(source, s.statuses, columns)
    : batchAgentMetricsSql(source, s.statuses);
}
