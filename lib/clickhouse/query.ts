import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { classifyClickHouseError } from './errors';

/** Runs a query whose result is a few rows and returns them, classifying failures. */
export async function queryRows<T>(ch: ClickHouseClient, query: string, signal?: AbortSignal): Promise<T[]> {
  try {
    const rs = await ch.query({
      query,
      format: 'JSONEachRow',
      clickhouse_settings: { wait_end_of_query: 1 },
      ...(signal ? { abort_signal: signal } : {}),
    });
    return await rs.json<T>();
  } catch (err) {
    throw classifyClickHouseError(err);
  }
}

/**
 * A query's rows one by one as they stream in, classifying failures; breaking off (or aborting `signal`) stops the
 * server-side query.
 */
export async function* streamRows<T>(
  ch: ClickHouseClient,
  query: string,
  options: { signal?: AbortSignal; settings?: ClickHouseSettings } = {},
): AsyncGenerator<T> {
  try {
    const rs = await ch.query({
      query,
      format: 'JSONEachRow',
      ...(options.signal ? { abort_signal: options.signal } : {}),
      ...(options.settings ? { clickhouse_settings: options.settings } : {}),
    });
    for await (const rows of rs.stream<T>()) {
      for (const row of rows) yield row.json<T>();
    }
  } catch (err) {
    throw classifyClickHouseError(err);
  }
}
