import type { CallStatus } from '../../common/call-status';
import type { MetricColumn } from '../../common/metric-columns';
import { dayIndexSql, spanFilterSql, type DaySlots } from './day-slots';
import { statusList } from './metrics-sql';
import { qualifiedName, quoteString } from './sql-literals';

/**
 * The metrics query used when optional columns are asked for (docs/contract.md §9): per day of `slots` and per
 * agent, the columns the default query returns (`calls`, `avg_cents`, `p90_cents`, `conversations`,
 * `negative_duration`, `other_status`) plus each asked-for column, named as in the file, as a whole number of
 * 1/10^decimals units (common/metric-columns.ts). A plain shape, exact first: every conversation is collapsed to
 * its latest row with argMax, then aggregated per agent. The default query (batch-sql.ts) is not involved.
 */
export interface OptionalColumnsSource {
  readonly database: string;
  readonly table: string;
  readonly slots: DaySlots;
}

const n = 'toInt64(calls)';

/**
 * The R7 percentile at q = k/100 in hundredths of a second, exact: h = k (n - 1) / 100, so lo = floor(h) and the
 * fraction is r/100 with r = k (n - 1) mod 100, and 100 x[lo] + r (x[lo+1] - x[lo]) is a whole number.
 */
function percentileCents(k: number): string {
  const h = `(${k} * (greatest(${n}, 1) - 1))`;
  const x = (i: string) => `toInt64(arr[${i}])`;
  const lo = `intDiv(${h}, 100)`;
  return `100 * ${x(`${lo} + 1`)} + (${h} % 100) * (${x(`least(${lo} + 2, ${n})`)} - ${x(`${lo} + 1`)})`;
}

/**
 * A sentiment_score rounded half away from zero to 6 decimals of its exact binary value, in millionths. The
 * product |x| * 10^6 is rounded by the float multiply; its exact error comes from Dekker's two-product (|x| split
 * into halves of 26 bits; 10^6 needs only 20), so a product that lands exactly on .5 is resolved by the error's sign.
 */
const MICRO_SENTIMENT = (x: string) => {
  const ax = `abs(${x})`;
  const p = `(${ax} * 1000000)`;
  const c = `(${ax} * 134217729)`;
  const hi = `(${c} - (${c} - ${ax}))`;
  const error = `((${hi} * 1000000 - ${p}) + (${ax} - ${hi}) * 1000000)`;
  const fraction = `(${p} - floor(${p}))`;
  const k = `(toInt64(floor(${p})) + toInt64(${fraction} > 0.5 OR (${fraction} = 0.5 AND ${error} >= 0)))`;
  return `if(${x} < 0, -${k}, ${k})`;
};

/** `value` / (100 n) rounded half away from zero, for a signed Int64 `value` (millionths to ten-thousandths). */
const halfAwayPer100 = (value: string) =>
  `if(${value} >= 0, intDiv(2 * ${value} + 100 * ${n}, 200 * greatest(${n}, 1)), ` +
  `-intDiv(-2 * ${value} + 100 * ${n}, 200 * greatest(${n}, 1)))`;

const STATUS_COUNT: Partial<Record<MetricColumn, string>> = {
  calls_answered: 'Answered',
  calls_missed: 'Missed',
  calls_rejected: 'Rejected',
  calls_hangup: 'Hangup',
  calls_voicemail: 'Voicemail',
};

/** Each optional column's expression over the per-agent aggregates below. */
function columnSql(column: MetricColumn): string {
  const status = STATUS_COUNT[column];
  if (status !== undefined) return `toInt64(countIf(duration >= 0 AND status = ${quoteString(status)}))`;
  switch (column) {
    case 'answer_rate':
      return 'intDiv(toInt64(answered) * 20000 + toInt64(valid), 2 * greatest(toInt64(valid), 1))';
    case 'p50_call_length_sec':
      return percentileCents(50);
    case 'p95_call_length_sec':
      return percentileCents(95);
    case 'p99_call_length_sec':
      return percentileCents(99);
    case 'min_call_length_sec':
      return 'toInt64(arr[1])';
    case 'max_call_length_sec':
      return `toInt64(arr[greatest(${n}, 1)])`;
    case 'total_call_length_sec':
      return 'toInt64(total)';
    default:
      return halfAwayPer100('sentiment_micro');
  }
}

/** Per-agent counts by status are taken from the conversations; the columns that need them as such read `c_…`. */
function aggregateSql(column: MetricColumn): string | undefined {
  return STATUS_COUNT[column] !== undefined ? `${columnSql(column)} AS c_${column}` : undefined;
}

export function optionalColumnsSql(
  s: OptionalColumnsSource,
  statuses: readonly CallStatus[],
  columns: readonly MetricColumn[],
): string {
  const table = qualifiedName(s.database, s.table);
  const counts = columns.map(aggregateSql).filter((a): a is string => a !== undefined);
  const extras = columns.map((c) => `${STATUS_COUNT[c] !== undefined ? `c_${c}` : columnSql(c)} AS ${c}`);
  return `SELECT
  day,
  toString(agent) AS agent_id,
  calls,
  intDiv(toInt64(total) * 200 + ${n}, greatest(${n}, 1) * 2) AS avg_cents,
  ${percentileCents(90)} AS p90_cents,
  conversations,
  negative_duration,
  other_status${extras.map((e) => `,\n  ${e}`).join('')}
FROM
(
  SELECT
    day,
    agent,
    countIf(included) AS calls,
    sumIf(toInt64(duration), included) AS total,
    arraySort(groupArrayIf(duration, included)) AS arr,
    count() AS conversations,
    countIf(duration < 0) AS negative_duration,
    countIf(duration >= 0 AND NOT status_ok) AS other_status,
    countIf(duration >= 0) AS valid,
    countIf(duration >= 0 AND status = 'Answered') AS answered,
    sumIf(micro_sentiment, included) AS sentiment_micro${counts.map((c) => `,\n    ${c}`).join('')}
  FROM
  (
    SELECT
      day,
      tupleElement(v, 1) AS agent,
      tupleElement(v, 2) AS duration,
      tupleElement(v, 3) AS status,
      status IN (${statusList(statuses)}) AS status_ok,
      status_ok AND duration >= 0 AS included,
      ${MICRO_SENTIMENT('tupleElement(v, 4)')} AS micro_sentiment
    FROM
    (
      SELECT
        day,
        argMax(
          tuple(agent_id, call_duration_sec, call_status, sentiment_score),
          tuple(updated_at, call_duration_sec, call_status, agent_id, sentiment_score)
        ) AS v
      FROM
      (
        SELECT ${dayIndexSql(s.slots)} AS day, conversation_id, agent_id, call_duration_sec, call_status, sentiment_score, updated_at
        FROM ${table}
        WHERE ${spanFilterSql(s.slots)}
      )
      WHERE day != 0
      GROUP BY day, conversation_id
    )
  )
  GROUP BY day, agent
)
ORDER BY day, agent_id`;
}
