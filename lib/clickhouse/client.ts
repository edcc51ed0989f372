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

/** One client per process; it keeps a small pool of HTTP connections. */
export function createClickHouse(settings: ClickHouseSettings): ClickHouseClient {
  return createClient({
    url: clickhouseUrl(settings),
    username: settings.CLICKHOUSE_USER,
    password: settings.CLICKHOUSE_PASSWORD,
    database: settings.CLICKHOUSE_DATABASE,
    request_timeout: settings.CLICKHOUSE_REQUEST_TIMEOUT,
    application: 'agent-metrics',
    // Failures surface as classified activity errors with the server's message; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
}
