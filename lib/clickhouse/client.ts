import { readFileSync } from 'node:fs';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseSettings } from '../config';
import { clickhouseEndpoint } from './endpoint';

/** The ClickHouse HTTP endpoint without credentials: scheme://host:port and the path (lib/clickhouse/endpoint.ts). */
export function clickhouseUrl(settings: Parameters<typeof clickhouseEndpoint>[0]): string {
  const { origin, pathname } = clickhouseEndpoint(settings);
  return `${origin}${pathname}`;
}

/** One client per process; it keeps a small pool of HTTP connections. */
export function createClickHouse(settings: ClickHouseSettings): ClickHouseClient {
  const endpoint = clickhouseEndpoint(settings);
  const ca = settings.CLICKHOUSE_CA_CERT;
  return createClient({
    url: endpoint.origin,
    ...(endpoint.pathname ? { pathname: endpoint.pathname } : {}),
    ...(ca !== undefined ? { tls: { ca_cert: readFileSync(ca) } } : {}),
    username: endpoint.username,
    password: endpoint.password,
    database: settings.CLICKHOUSE_DATABASE,
    request_timeout: settings.CLICKHOUSE_REQUEST_TIMEOUT,
    application: 'agent-metrics',
    // Failures surface as classified activity errors with the server's message; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
}
