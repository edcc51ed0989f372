import type { ClickHouseClient } from '@clickhouse/client';
import { classifyClickHouseError } from '../service-errors';

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

/** Streams a query's rows to `onRow`, classifying failures; breaking off (abort) stops the server-side query. */
export async function streamRows<T>(
  ch: ClickHouseClient,
  query: string,
  onRow: (row: T) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const rs = await ch.query({ query, format: 'JSONEachRow', ...(signal ? { abort_signal: signal } : {}) });
    for await (const rows of rs.stream<T>()) {
      for (const row of rows) await onRow(row.json<T>());
    }
  } catch (err) {
    throw classifyClickHouseError(err);
  }
}
