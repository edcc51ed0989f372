import type { CallStatus } from './call-status';
import { dayIndexSql, spanFilterSql, type DaySlots } from './day-slots';
import { AGENT_AGGREGATES, EXACT_METRICS, LATEST, ROW_HASH, statusList } from './metrics-sql';
import { qualifiedName } from './sql-literals';

/**
 * The queries of a batch of days: the same results, day by day, as `windowStatsSql` and `agentMetricsSql` in
 * metrics-sql.ts give for each day alone, in one pass over the table instead of one per day. The day filter cannot
 * use the customer's sort key, so every query reads the whole call_start column: batching is what keeps a
 * 365-day backfill from scanning the table 365 times. Each row's day comes from `dayIndexSql` (1-based; 0 = not in
 * the batch). Tests hold these texts to the single-day ones (test/unit/batch-sql.test.ts) and compare results.
 */
export interface BatchSource {
  readonly database: string;
  readonly table: string;
  readonly slots: DaySlots;
}

/** Rows and fingerprint (count and hash sum) of every day of the batch that has rows, by `day` (1-based). */
export function batchWindowStatsSql(b: BatchSource): string {
  return `SELECT day, count() AS source_rows, toString(sum(row_hash)) AS row_hash_sum
FROM
(
  SELECT ${dayIndexSql(b.slots)} AS day, ${ROW_HASH} AS row_hash
  FROM ${qualifiedName(b.database, b.table)}
  WHERE ${spanFilterSql(b.slots)}
)
WHERE day != 0
GROUP BY day
ORDER BY day`;
}

/**
 * A 64-bit hash of (day, conversation): finding the conversations with several rows in a day by this number instead
 * of the (day, UUID) pair makes that GROUP BY about 3× faster. It stays exact: a hash collision only sends a
 * one-row conversation down the argMax path, which picks that same row (the path groups by the real id).
 */
const CONVERSATION_DAY_KEY = (day: string) => `cityHash64(reinterpretAsString(conversation_id), ${day})`;

/**
 * Per-day, per-agent metrics of the batch, sorted by day and then by the agent id's text: `agentMetricsSql` with
 * the day added to every grouping. A conversation is a duplicate when it has several rows within the same day, as
 * when that day is exported alone. The integer math (avg_cents, p90_cents) is the single-day query's, line by line.
 */
export function batchAgentMetricsSql(b: BatchSource, statuses: readonly CallStatus[]): string {
  const table = qualifiedName(b.database, b.table);
  const span = spanFilterSql(b.slots);
  const day = dayIndexSql(b.slots);
  const key = CONVERSATION_DAY_KEY(day);
  const duplicated = `SELECT k FROM (SELECT ${key} AS k FROM ${table} WHERE ${span}) GROUP BY k HAVING count() > 1`;
  return `SELECT
  day,
  toString(agent) AS agent_id,
  ${EXACT_METRICS}
FROM
(
  SELECT
    day,
    agent,
    ${AGENT_AGGREGATES}
  FROM
  (
    SELECT day, agent, duration, status IN (${statusList(statuses)}) AS status_ok, status_ok AND duration >= 0 AS included
    FROM
    (
      SELECT day, agent, duration, status
      FROM (SELECT ${day} AS day, ${key} AS k, agent_id AS agent, call_duration_sec AS duration, call_status AS status FROM ${table} WHERE ${span})
      WHERE day != 0 AND k NOT IN (${duplicated})
      UNION ALL
      SELECT day, tupleElement(v, 1) AS agent, tupleElement(v, 2) AS duration, tupleElement(v, 3) AS status
      FROM
      (
        SELECT day, ${LATEST} AS v
        FROM (SELECT ${day} AS day, ${key} AS k, conversation_id, agent_id, call_duration_sec, call_status, updated_at FROM ${table} WHERE ${span})
        WHERE day != 0 AND k IN (${duplicated})
        GROUP BY day, conversation_id
      )
    )
  )
  GROUP BY day, agent
)
ORDER BY day, agent_id`;
}
