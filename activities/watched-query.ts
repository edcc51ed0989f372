import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { Context } from '@temporalio/activity';
import { queryProgress, type QueryOptions } from '../lib/clickhouse/query';
import { withHeartbeat, type HeartbeatOptions } from './heartbeat';

/** Share of the activity's start-to-close timeout its queries may use: the rest is for writing out the result. */
const QUERY_SHARE = 0.9;

/** ClickHouse's own limit for the activity's queries, in seconds: below its start-to-close timeout. */
export function queryBudgetSeconds(startToCloseTimeoutMs: number | undefined): number | undefined {
  if (!startToCloseTimeoutMs) return undefined;
  return Math.max(1, Math.floor((startToCloseTimeoutMs * QUERY_SHARE) / 1000));
}

/**
 * Runs an activity's ClickHouse work with one query id (its queries run one after another), ClickHouse's own time
 * limit below the activity's start-to-close timeout, and heartbeats of real progress: the rows the running query has
 * read (system.processes, which 18.16 and current ClickHouse both have; 18.16 sends no progress headers) plus what
 * `more` reports (rows written). Cancellation, a stall or a failure kills the query on the server.
 */
export function withWatchedQuery<T>(
  ch: ClickHouseClient,
  work: (query: QueryOptions) => Promise<T>,
  more: () => object = () => ({}),
  options: HeartbeatOptions = {},
): Promise<T> {
  const queryId = randomUUID();
  const maxExecutionSeconds = queryBudgetSeconds(Context.current().info.startToCloseTimeoutMs);
  return withHeartbeat(
    (signal) => work({ signal, queryId, ...(maxExecutionSeconds ? { maxExecutionSeconds } : {}) }),
    async () => ({ ...more(), queryRowsRead: (await queryProgress(ch, queryId))?.readRows ?? null }),
    options,
  );
}
