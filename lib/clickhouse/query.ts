import { randomUUID } from 'node:crypto';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { queryTimeLimit, settingsLocked } from './client';
import { classifyClickHouseError } from './errors';
import { quoteString } from './sql-literals';

/** How a query runs: who can stop it, how long ClickHouse lets it run, and the id to watch and kill it by. */
export interface QueryOptions {
  readonly signal?: AbortSignal;
  readonly settings?: ClickHouseSettings;
  /** ClickHouse stops the query itself after this many seconds (max_execution_time, code 159). */
  readonly maxExecutionSeconds?: number;
  /** The query_id to send; a fresh UUID when omitted. Known to the caller, it can watch the query's progress. */
  readonly queryId?: string;
}

/** Waits at most this long for KILL QUERY: it must not hold up reporting the failure that called for it. */
const KILL_TIMEOUT_MS = 15_000;

/** The query's time limit: the caller's, and never beyond what the client waits for (see queryTimeLimit). */
function timeLimit(ch: ClickHouseClient, options: QueryOptions): number | undefined {
  const limits = [options.maxExecutionSeconds, queryTimeLimit(ch)].filter((s): s is number => s !== undefined);
  return limits.length > 0 ? Math.max(1, Math.floor(Math.min(...limits))) : undefined;
}

async function requestOf(
  ch: ClickHouseClient,
  query: string,
  options: QueryOptions,
  queryId: string,
  extra: ClickHouseSettings = {},
) {
  const limit = timeLimit(ch, options);
  // A read-only user (readonly=1) runs with its profile's settings: ClickHouse refuses any it would change.
  const settings = (await settingsLocked(ch))
    ? extra
    : { ...extra, ...options.settings, ...(limit !== undefined ? { max_execution_time: limit } : {}) };
  return {
    query,
    format: 'JSONEachRow' as const,
    query_id: queryId,
    clickhouse_settings: settings,
    ...(options.signal ? { abort_signal: options.signal } : {}),
  };
}

/**
 * Stops a query on the server. Aborting the HTTP request (cancellation, request_timeout) leaves the query running
 * on ClickHouse 18.16, so every failed or abandoned query is killed by its id. A kill that fails (ClickHouse down)
 * is left: the query's max_execution_time ends it, and the caller reports the failure that led here.
 */
export async function killQuery(ch: ClickHouseClient, queryId: string): Promise<void> {
  try {
    await ch.command({
      query: `KILL QUERY WHERE query_id = ${quoteString(queryId)} SYNC`,
      abort_signal: AbortSignal.timeout(KILL_TIMEOUT_MS),
    });
  } catch {
    // See above: the query's own time limit is the fallback.
  }
}

/** Rows read so far by a running query (system.processes), or undefined once it no longer runs. */
export async function queryProgress(
  ch: ClickHouseClient,
  queryId: string,
): Promise<{ readRows: number; elapsedSeconds: number } | undefined> {
  const rs = await ch.query({
    query: `SELECT read_rows, elapsed FROM system.processes WHERE query_id = ${quoteString(queryId)}`,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ read_rows: string | number; elapsed: number }>();
  return row ? { readRows: Number(row.read_rows), elapsedSeconds: Number(row.elapsed) } : undefined;
}

/** Runs a query whose result is a few rows and returns them, classifying failures and killing a failed query. */
export async function queryRows<T>(ch: ClickHouseClient, query: string, options: QueryOptions = {}): Promise<T[]> {
  const queryId = options.queryId ?? randomUUID();
  try {
    const rs = await ch.query(await requestOf(ch, query, options, queryId, { wait_end_of_query: 1 }));
    return await rs.json<T>();
  } catch (err) {
    await killQuery(ch, queryId);
    throw classifyClickHouseError(err);
  }
}

/**
 * A query's rows one by one as they stream in, classifying failures; a failure, breaking off or aborting
 * `options.signal` kills the server-side query.
 */
export async function* streamRows<T>(
  ch: ClickHouseClient,
  query: string,
  options: QueryOptions = {},
): AsyncGenerator<T> {
  const queryId = options.queryId ?? randomUUID();
  let finished = false;
  try {
    const rs = await ch.query(await requestOf(ch, query, options, queryId));
    for await (const rows of rs.stream<T>()) {
      for (const row of rows) yield row.json<T>();
    }
    finished = true;
  } catch (err) {
    throw classifyClickHouseError(err);
  } finally {
    if (!finished) await killQuery(ch, queryId);
  }
}
