import type { CallStatus } from '../../common/call-status';
import { DURATION_MISMATCH } from './data-quality-sql';
import { dayIndexSql, spanFilterSql, type DaySlots } from './day-slots';
import { EXACT_METRICS, rowHashSql, statusList, type RowHash } from './metrics-sql';
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
  /** The table is `Distributed` (isDistributedTable): the duplicate test goes over all shards (GLOBAL IN). */
  readonly distributed?: boolean;
}

/**
 * Rows, fingerprint (count and hash sum) and duration mismatches of every day of the batch that has rows, by `day`
 * (1-based).
 */
export function batchWindowStatsSql(b: BatchSource, hash: RowHash = 'current'): string {
  return `SELECT day, count() AS source_rows, toString(sum(row_hash)) AS row_hash_sum, countIf(mismatch) AS duration_mismatches
FROM
(
  SELECT ${dayIndexSql(b.slots)} AS day, ${rowHashSql(hash)} AS row_hash, ${DURATION_MISMATCH} AS mismatch
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
 * reinterpretAsFixedString, not reinterpretAsString: the same 16 bytes without building a String column per block.
 */
const CONVERSATION_DAY_KEY = (day: string) => `cityHash64(reinterpretAsFixedString(conversation_id), ${day})`;

/**
 * Whether a row's conversation has several rows in its day: the one place the membership test is written (a
 * Distributed table needs GLOBAL IN here). The set holds the hash keys that occur more than once in the batch's span.
 * It is built without a hash table of every key: the keys are cut into 1,024 buckets by their top ten bits
 * (`groupArray`, appends only), and each bucket's repeats come out of `arrayEnumerateUniq` (a small hash table per
 * bucket, which stays in the CPU's cache). On 18.16 that builds the set of a 10M-row day in about a quarter of the
 * time `GROUP BY k HAVING count() > 1` took (README, Performance); the set is the same: each key that repeats, once
 * per repeat.
 */
function duplicatedTest(table: string, span: string, key: string, distributed = false): string {
  const repeats = 'arrayJoin(arrayFilter((x, n) -> n > 1, ks, arrayEnumerateUniq(ks)))';
  const buckets = `SELECT groupArray(k) AS ks FROM (SELECT ${key} AS k FROM ${table} WHERE ${span}) GROUP BY bitShiftRight(k, 54)`;
  return `${key} ${distributed ? 'GLOBAL IN' : 'IN'} (SELECT ${repeats} FROM (${buckets}))`;
}

/**
 * The first GROUP BY's key for several days, one UInt64 per (agent, day): the day's index in the top 16 bits (exact),
 * the top 48 bits of the agent's 64-bit hash below.
 */
const groupKey = (day: string) =>
  `bitOr(bitShiftLeft(toUInt64(${day}), 48), bitShiftRight(cityHash64(reinterpretAsFixedString(agent_id)), 16))`;

/**
 * 0 for a group whose rows all have one agent; throws otherwise (two agents of a day whose hashes share their top 48
 * bits). Exact: two different ids differ in their first or in their last eight bytes, and uniqUpTo counts numbers
 * exactly.
 */
const ONE_AGENT_CHECK = (() => {
  const bytes = 'reinterpretAsFixedString(agent_id)';
  const [first, last] = [bytes, `reverse(${bytes})`].map((b) => `uniqUpTo(1)(reinterpretAsUInt64(${b}))`);
  return `throwIf(${first} > 1 OR ${last} > 1)`;
})();

/**
 * Per-day, per-agent metrics of the batch, sorted by day and then by the agent id's text: the results of
 * `agentMetricsSql` for each day, with the same row choice for duplicated conversations (several rows within the same
 * day) and the same integer math (EXACT_METRICS). It decides "duplicated?" once per row (`duplicatedTest`), then:
 * 1. one GROUP BY by (day, agent) over every row: the plain rows' durations and counts, and the duplicated rows
 *    themselves in an array (`versions`; about 1% of the rows on a day of the generator);
 * 2. each agent's row and each of its versions become rows of their own (`arrayJoin`), grouped by conversation
 *    (argMaxIf picks its latest row) or, for the plain part, by agent;
 * 3. the outer GROUP BY merges both per agent.
 * For a batch of one day the first GROUP BY is by agent alone, a 16-byte key. For several days it is by `groupKey`,
 * one 64-bit number per (agent, day): 18.16 groups the 17-byte pair (day, agent) with a hash table of serialized keys,
 * and collecting the durations took about three times as long that way (90 days of 200,000 calls: 2.5–2.9 s against
 * 0.9–1.0 s; README, Performance). The day comes back from the key, the agent with `any`, and `ONE_AGENT_CHECK` fails
 * the query should two agents of a day ever share a key: never a result merged across agents (a backfill's batch that
 * fails leaves its days to compute alone).
 */
export function batchAgentMetricsSql(b: BatchSource, statuses: readonly CallStatus[]): string {
  const table = qualifiedName(b.database, b.table);
  const span = spanFilterSql(b.slots);
  const day = dayIndexSql(b.slots);
  const oneDay = b.slots.days.length === 1;
  const ok = `IN (${statusList(statuses)})`;
  const none = "toUUID('00000000-0000-0000-0000-000000000000')";
  // A version: (conversation, updated_at, duration, status as its enum number, status counted?); `e` is one element
  // of the array stage 2 joins: (is a version?, version fields…, the agent's plain durations and counts).
  const e = (i: number) => `tupleElement(e, ${i})`;
  const [isVersion, conversation, updatedAt, duration, status, statusOk] = [1, 2, 3, 4, 5, 6].map(e);
  const [latestAgent, latestDuration, latestOk] = [1, 2, 3].map((i) => `tupleElement(v, ${i})`);
  const plainElement = `tuple(toUInt8(0), ${none}, toDateTime(0), toInt32(0), toInt8(0), toUInt8(0), plain, plain_rows, plain_negative, plain_other)`;
  const versionElement = `tuple(toUInt8(1), tupleElement(x, 1), tupleElement(x, 2), tupleElement(x, 3), tupleElement(x, 4), tupleElement(x, 5), emptyArrayInt32(), toUInt64(0), toUInt64(0), toUInt64(0))`;
  return `SELECT
  day,
  toString(agent) AS agent_id,
  ${EXACT_METRICS}
FROM
(
  SELECT
    day,
    agent,
    sum(length(kept)) AS calls,
    sum(arraySum(kept)) AS total,
    arraySort(groupArrayArray(kept)) AS arr,
    sum(rows) AS conversations,
    sum(negative) AS negative_duration,
    sum(other) AS other_status
  FROM
  (
    SELECT
      day,
      if(conversation = ${none}, group_agent, ${latestAgent}) AS agent,
      if(conversation = ${none}, plain, arrayFilter(x -> x >= 0 AND ${latestOk}, [${latestDuration}])) AS kept,
      if(conversation = ${none}, plain_rows, 1) AS rows,
      if(conversation = ${none}, plain_negative, ${latestDuration} < 0) AS negative,
      if(conversation = ${none}, plain_other, ${latestDuration} >= 0 AND NOT ${latestOk}) AS other
    FROM
    (
      SELECT
        day,
        if(${isVersion}, ${conversation}, ${none}) AS conversation,
        if(${isVersion}, ${none}, agent) AS group_agent,
        argMaxIf(tuple(agent, ${duration}, ${statusOk}), tuple(${updatedAt}, ${duration}, ${status}, agent), ${isVersion}) AS v,
        groupArrayArray(${e(7)}) AS plain,
        sum(${e(8)}) AS plain_rows,
        sum(${e(9)}) AS plain_negative,
        sum(${e(10)}) AS plain_other
      FROM
      (
        SELECT day, agent, arrayJoin(arrayConcat([${plainElement}], arrayMap(x -> ${versionElement}, versions))) AS e
        FROM
        (
          SELECT
            ${oneDay ? 'toUInt8(1) AS day' : `${groupKey(day)} AS group_key, bitShiftRight(group_key, 48) + ${ONE_AGENT_CHECK} AS day`},
            ${oneDay ? 'agent_id' : 'any(agent_id)'} AS agent,
            groupArrayIf(call_duration_sec, NOT (${duplicatedTest(table, span, CONVERSATION_DAY_KEY(day), b.distributed)} AS dup) AND call_duration_sec >= 0 AND call_status ${ok}) AS plain,
            countIf(NOT dup) AS plain_rows,
            countIf(NOT dup AND call_duration_sec < 0) AS plain_negative,
            countIf(NOT dup AND call_duration_sec >= 0 AND NOT (call_status ${ok})) AS plain_other,
            groupArrayIf(tuple(conversation_id, updated_at, call_duration_sec, toInt8(call_status), call_status ${ok}), dup) AS versions
          FROM ${table}
          WHERE ${oneDay ? span : `${span} AND ${day} != 0`}
          GROUP BY ${oneDay ? 'agent' : 'group_key'}
        )
      )
      GROUP BY day, conversation, group_agent
    )
  )
  GROUP BY day, agent
)
ORDER BY day, agent_id`;
}
