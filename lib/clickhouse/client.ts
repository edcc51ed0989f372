import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseSettings } from '../config';

/** The ClickHouse HTTP endpoint: CLICKHOUSE_HOST may be a bare host name or a full http(s) URL. */
export function clickhouseUrl(settings: Pick<ClickHouseSettings, 'CLICKHOUSE_HOST' | 'CLICKHOUSE_PORT'>): string {
  const host = settings.CLICKHOUSE_HOST;
  if (/^https?:\/\//i.test(host)) {
    const url = new URL(host);
    if (url.port === '') url.port = String(settings.CLICKHOUSE_PORT);
    return url.origin;
  }
  return `http://${host}:${settings.CLICKHOUSE_PORT}`;
}

const TIME_LIMITS = new WeakMap<ClickHouseClient, number>();

/**
 * The longest a query may run on this client, in seconds: a tenth below its request_timeout, so ClickHouse stops a
 * long query that sends nothing (code 159, not retried) before the client gives up on the silence.
 */
export function queryTimeLimit(ch: ClickHouseClient): number | undefined {
  return TIME_LIMITS.get(ch);
}

/** One client per process; it keeps a small pool of HTTP connections. */
export function createClickHouse(settings: ClickHouseSettings): ClickHouseClient {
  const limit = Math.max(1, Math.floor((settings.CLICKHOUSE_REQUEST_TIMEOUT * 0.9) / 1000));
  const ch = createClient({
    url: clickhouseUrl(settings),
    username: settings.CLICKHOUSE_USER,
    password: settings.CLICKHOUSE_PASSWORD,
    database: settings.CLICKHOUSE_DATABASE,
    request_timeout: settings.CLICKHOUSE_REQUEST_TIMEOUT,
    application: 'agent-metrics',
    // Failures surface as classified activity errors with the server's message; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1, max_execution_time: limit },
  });
  TIME_LIMITS.set(ch, limit);
  return ch;
}
