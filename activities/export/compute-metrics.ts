import { Context } from '@temporalio/activity';
import type { CallStatus } from '../../common/call-status';
import type { ComputeResult, WindowStats } from '../../common/export-types';
import { metricsQuerySql } from '../../lib/clickhouse/metrics-query';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { metricsStagingKey } from '../../lib/s3/keys';
import { readWindowStats } from '../../lib/clickhouse/window-stats';
import { streamRows } from '../../lib/clickhouse/query';
import type { Services } from '../../lib/services';
import { withWatchedQuery } from '../watched-query';
import { MetricsTally, type MetricsRow } from '../../lib/clickhouse/metrics-tally';
import { currentRun } from '../run-info';
import { streamToObject } from '../../lib/s3/objects';
import type { MetricColumn } from '../../common/metric-columns';
import { readDurationMismatches } from '../../lib/clickhouse/duration-mismatches';
import { extraValues } from '../../lib/metric-values';

export interface ComputeInput {
  readonly date: string;
  readonly timezone: string;
  readonly table: string;
  readonly prefix: string;
  readonly statuses: readonly CallStatus[];
  /** Only this customer's rows (docs/contract.md §11). */
  readonly customerId?: string;
  /** Publish a header-only file without querying (ON_EMPTY=publish after the wait ran out). */
  readonly empty: boolean;
  /**
   * The window stats "check data" just read. The manifest records this fingerprint: should rows change between the
   * check and the query, the day shows as stale afterwards and is exported again, never wrongly "up to date".
   */
  readonly stats?: WindowStats;
  /** METRIC_COLUMNS (docs/contract.md §9): when any, the metrics come from optionalColumnsSql. */
  readonly columns?: readonly MetricColumn[];
}

/**
 * Runs the aggregation in ClickHouse and streams the per-agent results (integers, as JSON lines) to a staging object,
 * so the dataset never travels through workflow history and any worker can take the next step.
 */
export async function computeMetrics(deps: Services, input: ComputeInput): Promise<ComputeResult> {
  const ctx = Context.current();
  const run = currentRun();
  const key = metricsStagingKey(input.prefix, input.date, run.runId);
  const tally = new MetricsTally();
  const started = Date.now();
  let mismatches = 0;
  const stats = await withWatchedQuery(
    deps.clickhouse,
    async (query) => {
      const stats = input.stats?.date === input.date ? input.stats : await readWindowStats(deps, input, query);
      // The batch query for a batch of one day: it decides "duplicated?" in one pass where the single-day shape
      // (agentMetricsSql) builds the duplicate set twice; same rows, faster on every bench day (measured on 18.16;
      // README, Performance). Its extra `day` column is ignored.
      const slots = daySlots([input.date], input.timezone, input.customerId);
      const { database } = deps;
      const { table, statuses } = input;
      const columns = input.columns ?? [];
      const sql = await metricsQuerySql(deps.clickhouse, { database, table, slots, statuses, columns }, query);
      const target = { bucket: deps.bucket, key, contentType: 'application/x-ndjson', signal: query.signal };
      await streamToObject(deps.s3, target, async (write) => {
        if (input.empty) return;
        for await (const r of streamRows<MetricsRow>(deps.clickhouse, sql, query)) {
          const row = tally.add(r);
          if (row === undefined) continue;
          const line =
            columns.length > 0 ? { ...row, extra: extraValues(columns, r as unknown as Record<string, unknown>) } : row;
          await write(JSON.stringify(line) + '\n');
        }
      });
      // "check data" counted them in the same scan as the fingerprint; a run from before that asks separately.
      mismatches = input.empty
        ? 0
        : (stats.durationMismatches ??
          (await readDurationMismatches(deps, { table: input.table, slots }, query))[0] ??
          0);
      return stats;
    },
    () => ({ agentRows: tally.agentRows }),
  );
  ctx.log.info('computed', {
    date: input.date,
    agentRows: tally.agentRows,
    includedCalls: tally.includedCalls,
    sourceRows: stats.sourceRows,
    ms: Date.now() - started,
  });
  return {
    metricsKey: key,
    agentRows: tally.agentRows,
    includedCalls: tally.includedCalls,
    sourceRows: stats.sourceRows,
    fingerprint: stats.fingerprint,
    leftOut: tally.leftOut(stats.sourceRows),
    queryMs: Date.now() - started,
    durationMismatches: mismatches,
  };
}
