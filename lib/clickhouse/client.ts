import { readFileSync } from 'node:fs';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseSettings } from '../config';
import { clickhouseEndpoint } from './endpoint';

/** The ClickHouse HTTP endpoint without credentials: scheme://host:port and the path (lib/clickhouse/endpoint.ts). */
export function clickhouseUrl(settings: Parameters<typeof clickhouseEndpoint>[0]): string {
  const { origin, pathname } = clickhouseEndpoint(settings);
  return `${origin}${pathname}`;
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
  const endpoint = clickhouseEndpoint(settings);
  const ca = settings.CLICKHOUSE_CA_CERT;
  const ch = createClient({
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
    // max_execution_time goes with each query (lib/clickhouse/query.ts), unless the user may not change settings.
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  TIME_LIMITS.set(ch, limit);
  return ch;
}

const READONLY = new WeakMap<ClickHouseClient, Promise<boolean>>();

/**
 * True when the client's user may not change settings per query (`readonly=1`, as a least-privilege profile sets
 * it: docs/least-privilege.md). Its queries then run with the profile's own settings (including the profile's
 * max_execution_time), since ClickHouse refuses any setting that differs. Asked once per client; a failure to ask
 * counts as "not read-only" so the query itself reports the real problem.
 */
export function settingsLocked(ch: ClickHouseClient): Promise<boolean> {
  let locked = READONLY.get(ch);
  if (!locked) {
    locked = ch
      .query({ query: "SELECT value FROM system.settings WHERE name = 'readonly'", format: 'JSONEachRow' })
      .then((rs) => rs.json<{ value: string }>())
      .then((rows) => rows[0]?.value === '1')
      .catch(() => {
        READONLY.delete(ch);
        return false;
      });
    READONLY.set(ch, locked);
  }
  return locked;
}
