import type { CallStatus } from '../../common/call-status';
import { isCallStatus } from '../../common/call-status';
import { intLiteral, qualifiedName, quoteString } from './sql-literals';
import { customerFilterSql } from './customer-filter';
import { DURATION_MISMATCH } from './data-quality-sql';

/** The table to read, the half-open call_start range [startEpoch, endEpoch) in Unix seconds, and the customer. */
export interface SourceWindow {
  readonly database: string;
  readonly table: string;
  readonly startEpoch: number;
  readonly endEpoch: number;
  /** Only this customer's rows (docs/contract.md §11); unset: every row. */
  readonly customerId?: string | undefined;
}

function source(w: SourceWindow): string {
  return qualifiedName(w.database, w.table);
}

// Epoch bounds, not date strings: a string compared with a DateTime column is read in the server's zone (18.16).
function inWindow(w: SourceWindow): string {
  return `${customerFilterSql(w.customerId)}call_start >= ${intLiteral(w.startEpoch)} AND call_start < ${intLiteral(w.endEpoch)}`;
}

/**
 * Every column the metrics or the dedupe read, hashed per row. Summed (mod 2^64) with the row count it changes when a
 * row of the day is inserted, deleted or updated. transcript and keywords are left out: they are large, and the
 * metrics never read them. 18.16 cannot hash a UUID: its 16 bytes are hashed (`reinterpretAsFixedString`, the same
 * bytes on 18.16 and on current ClickHouse), and the status as its enum number. On a 10M-row day this scan takes
 * about 0.33 s where LEGACY_ROW_HASH took 0.57 s (README, Performance).
 */
const ROW_HASH =
  'cityHash64(reinterpretAsFixedString(conversation_id), reinterpretAsFixedString(customer_id), ' +
  'reinterpretAsFixedString(agent_id), call_start, call_end, call_duration_sec, toInt8(call_status), ' +
  'sentiment_score, created_at, updated_at)';

/**
 * The row hash of the releases before ROW_HASH (the ids and the status as text): what the manifests they wrote hold.
 * Read only to compare with such a manifest (window-stats.ts, `RowHash`).
 */
const LEGACY_ROW_HASH =
  'cityHash64(toString(conversation_id), toString(customer_id), toString(agent_id), call_start, call_end, ' +
  'call_duration_sec, toString(call_status), sentiment_score, created_at, updated_at)';

/** Which row hash a fingerprint query sums: this release's, or the one manifests of earlier releases hold. */
export type RowHash = 'current' | 'legacy';

export const rowHashSql = (hash: RowHash): string => (hash === 'legacy' ? LEGACY_ROW_HASH : ROW_HASH);

/**
 * Rows in the window, the source fingerprint and the duration mismatches (docs/contract.md §9): one cheap scan of the
 * day, which already reads every column the mismatch test needs.
 */
export function windowStatsSql(w: SourceWindow, hash: RowHash = 'current'): string {
  return `SELECT count() AS source_rows, toString(sum(${rowHashSql(hash)})) AS row_hash_sum, countIf(${DURATION_MISMATCH}) AS duration_mismatches
FROM ${source(w)}
WHERE ${inWindow(w)}`;
}

/** The row a duplicated conversation keeps: the greatest updated_at; ties broken by the other columns, so it is stable. */
export const LATEST =
  'argMax(tuple(agent_id, call_duration_sec, call_status), tuple(updated_at, call_duration_sec, call_status, agent_id))';

/** The per-agent aggregates over included conversations; `duration`, `status_ok` and `included` come from below. */
export const AGENT_AGGREGATES = `countIf(included) AS calls,
    sumIf(toInt64(duration), included) AS total,
    arraySort(groupArrayIf(duration, included)) AS arr,
    count() AS conversations,
    countIf(duration < 0) AS negative_duration,
    countIf(duration >= 0 AND NOT status_ok) AS other_status`;

/** The exact integer math on AGENT_AGGREGATES: mean and R7 p90 in hundredths of a second (see agentMetricsSql). */
export const EXACT_METRICS = `calls,
  intDiv(total * 200 + calls, greatest(calls, 1) * 2) AS avg_cents,
  intDiv(9 * (calls - 1), 10) AS lo,
  100 * arr[lo + 1] + 10 * ((9 * (calls - 1)) % 10) * (arr[least(lo + 2, calls)] - arr[lo + 1]) AS p90_cents,
  conversations,
  negative_duration,
  other_status`;

export function statusList(statuses: readonly CallStatus[]): string {
  if (statuses.length === 0 || !statuses.every(isCallStatus)) throw new RangeError('unknown call status');
  return statuses.map(quoteString).join(', ');
}

/**
 * Per-agent metrics of one window (docs/contract.md §3), exact, sorted by the agent id's text. Duplicated conversations are collapsed to
 * their row with the greatest updated_at; only conversations that really have several rows pay for the argMax.
 * Lengths come back in hundredths of a second as integers:
 * - avg_cents: round-half-up of sum/n, by integer division;
 * - p90_cents: R7 with h = 0.9 (n - 1) = 9 (n - 1) / 10, so lo = floor(h) and the fraction is r/10 with r an
 *   integer: 100 x[lo] + 10 r (x[lo+1] - x[lo]) is exact, no rounding needed.
 * Agents whose conversations were all left out still come back (calls = 0) so their exclusions are counted.
 */
export function agentMetricsSql(w: SourceWindow, statuses: readonly CallStatus[]): string {
  const table = source(w);
  const where = inWindow(w);
  const duplicated = `SELECT conversation_id FROM ${table} WHERE ${where} GROUP BY conversation_id HAVING count() > 1`;
  return `SELECT
  toString(agent) AS agent_id,
  ${EXACT_METRICS}
FROM
(
  SELECT
    agent,
    ${AGENT_AGGREGATES}
  FROM
  (
    SELECT agent, duration, status IN (${statusList(statuses)}) AS status_ok, status_ok AND duration >= 0 AS included
    FROM
    (
      SELECT agent_id AS agent, call_duration_sec AS duration, call_status AS status
      FROM ${table}
      WHERE ${where} AND conversation_id NOT IN (${duplicated})
      UNION ALL
      SELECT tupleElement(v, 1) AS agent, tupleElement(v, 2) AS duration, tupleElement(v, 3) AS status
      FROM (SELECT ${LATEST} AS v FROM ${table} WHERE ${where} AND conversation_id IN (${duplicated}) GROUP BY conversation_id)
    )
  )
  GROUP BY agent
)
ORDER BY agent_id`;
}
