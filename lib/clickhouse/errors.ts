import { verdict, type ErrorRule } from '../error-rule';
import { ClickHouseQueryError } from '../errors';

const SCHEMA = 'the table, its columns or the SQL must be fixed first';
const ACCESS = 'the ClickHouse user or its grants must be fixed first';
const SAME_QUERY =
  'the same query at the same settings over the same rows hits the same limit; retrying re-runs the heavy query ' +
  'for hours. Raise the limit (or CLICKHOUSE_REQUEST_TIMEOUT / the step timeout) or export fewer days at once';

/** One row of the ClickHouse table: a server error code, optionally narrowed by the message text. */
export interface ClickHouseErrorRule extends ErrorRule {
  readonly code: number;
  readonly message?: RegExp;
}

/**
 * ClickHouse error codes and whether the activity retries them; the first matching row wins. Codes not listed, and
 * errors without a code (connection refused or reset, the client's request_timeout, an aborted request) are
 * retried: the server restarting, the network and overload pass.
 */
export const CLICKHOUSE_ERROR_RULES: readonly ClickHouseErrorRule[] = [
  { code: 10, what: 'column not found', retry: false, why: SCHEMA },
  { code: 16, what: 'no such column', retry: false, why: SCHEMA },
  { code: 36, what: 'bad arguments', retry: false, why: 'a setting or function argument is invalid for this server' },
  { code: 43, what: 'illegal argument type', retry: false, why: SCHEMA },
  { code: 46, what: 'unknown function', retry: false, why: SCHEMA },
  { code: 47, what: 'unknown identifier (missing column?)', retry: false, why: SCHEMA },
  { code: 53, what: 'type mismatch', retry: false, why: SCHEMA },
  { code: 60, what: 'table does not exist', retry: false, why: SCHEMA },
  { code: 62, what: 'syntax error', retry: false, why: SCHEMA },
  { code: 81, what: 'database does not exist', retry: false, why: SCHEMA },
  { code: 115, what: 'unknown setting', retry: false, why: 'this server version does not know a setting we send' },
  { code: 158, what: 'too many rows to read', retry: false, why: SAME_QUERY },
  { code: 159, what: 'query time limit exceeded', retry: false, why: SAME_QUERY },
  { code: 164, what: 'readonly user', retry: false, why: ACCESS },
  { code: 192, what: 'unknown user', retry: false, why: ACCESS },
  { code: 193, what: 'wrong password', retry: false, why: ACCESS },
  { code: 194, what: 'password required', retry: false, why: ACCESS },
  { code: 195, what: 'IP address not allowed', retry: false, why: ACCESS },
  { code: 202, what: 'too many simultaneous queries', retry: true, why: 'other queries finish' },
  { code: 209, what: 'socket timeout', retry: true, why: 'the network or server can recover' },
  { code: 210, what: 'network error', retry: true, why: 'the network or server can recover' },
  {
    code: 241,
    message: /\(for query\)/,
    what: 'query memory limit exceeded',
    retry: false,
    why: SAME_QUERY,
  },
  {
    code: 241,
    what: 'server memory limit exceeded',
    retry: true,
    why: 'the total or per-user limit counts other queries, which finish',
  },
  { code: 288, what: 'distributed subquery refused', retry: false, why: SCHEMA },
  { code: 394, what: 'query was cancelled', retry: true, why: 'killed on the server (an operator, a restart)' },
  {
    code: 395,
    what: 'a check in the query failed (throwIf)',
    retry: false,
    why: 'the same rows fail the same check; a backfill batch whose two agents of a day share its key leaves its days to compute alone',
  },
  { code: 396, what: 'result too large', retry: false, why: SAME_QUERY },
  { code: 497, what: 'access denied', retry: false, why: ACCESS },
  { code: 516, what: 'authentication failed', retry: false, why: ACCESS },
];

const UNLISTED: ErrorRule = {
  what: 'request failed',
  retry: true,
  why: 'network, restart or overload; the server can recover',
};

/** The server's error code: 18.16 sends it only in the text (`Code: 60, e.displayText() = …`). */
function errorCode(err: unknown, message: string): number | undefined {
  const code = Number(/Code: (\d+)/.exec(message)?.[1] ?? (err as { code?: unknown })?.code);
  return Number.isInteger(code) ? code : undefined;
}

export function classifyClickHouseError(err: unknown): ClickHouseQueryError {
  if (err instanceof ClickHouseQueryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err, message);
  const rule = CLICKHOUSE_ERROR_RULES.find((r) => r.code === code && (r.message?.test(message) ?? true)) ?? UNLISTED;
  const summary = message.replace(/, e\.what\(\) = DB::Exception$/, '').split('\n')[0] ?? message;
  const what = rule === UNLISTED ? '' : `${rule.what}: `;
  return new ClickHouseQueryError(`ClickHouse ${what}${summary} ${verdict(rule)}`, code, !rule.retry, {
    cause: err,
  });
}
