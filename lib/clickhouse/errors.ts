import { ClickHouseQueryError } from '../errors';

/**
 * ClickHouse error codes that retrying cannot fix: credentials, missing database/table/column, bad SQL, permissions.
 * Everything else (network, timeouts, memory, too many queries, a restarting server) is treated as transient.
 */
const PERMANENT_CLICKHOUSE_CODES = new Map<number, string>([
  [10, 'column not found'],
  [16, 'no such column'],
  [43, 'illegal argument type'],
  [46, 'unknown function'],
  [47, 'unknown identifier (missing column?)'],
  [53, 'type mismatch'],
  [60, 'table does not exist'],
  [62, 'syntax error'],
  [81, 'database does not exist'],
  [164, 'readonly user'],
  [192, 'unknown user'],
  [193, 'wrong password'],
  [194, 'password required'],
  [195, 'IP address not allowed'],
  [497, 'access denied'],
  [516, 'authentication failed'],
]);

export function classifyClickHouseError(err: unknown): ClickHouseQueryError {
  if (err instanceof ClickHouseQueryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = Number(/Code: (\d+)/.exec(message)?.[1] ?? (err as { code?: unknown })?.code);
  const known = Number.isInteger(code) ? code : undefined;
  const reason = known === undefined ? undefined : PERMANENT_CLICKHOUSE_CODES.get(known);
  const summary = message.replace(/, e\.what\(\) = DB::Exception$/, '').split('\n')[0] ?? message;
  return new ClickHouseQueryError(`ClickHouse ${reason ? `${reason}: ` : ''}${summary}`, known, reason !== undefined, {
    cause: err,
  });
}
