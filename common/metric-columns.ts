/**
 * The optional columns of docs/contract.md §9, added after the five required ones in the order asked for. Each
 * comes out of ClickHouse as a whole number of `1 / 10^decimals` units (no rounding happens in Node); `count` columns
 * are stored as INT64 in Parquet, the others as DOUBLE.
 */
export const METRIC_COLUMNS = [
  'calls_answered',
  'calls_missed',
  'calls_rejected',
  'calls_hangup',
  'calls_voicemail',
  'answer_rate',
  'p50_call_length_sec',
  'p95_call_length_sec',
  'p99_call_length_sec',
  'min_call_length_sec',
  'max_call_length_sec',
  'total_call_length_sec',
  'avg_sentiment',
] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

export interface ColumnKind {
  /** Digits after the point of the column's value: the SQL returns the value times 10^decimals, as an integer. */
  readonly decimals: number;
  /** A count (INT64 in Parquet) or a length or rate (DOUBLE). */
  readonly count: boolean;
}

const COUNT: ColumnKind = { decimals: 0, count: true };
const SECONDS: ColumnKind = { decimals: 0, count: false };
const CENTS: ColumnKind = { decimals: 2, count: false };
const TEN_THOUSANDTHS: ColumnKind = { decimals: 4, count: false };

export const COLUMN_KINDS: Readonly<Record<MetricColumn, ColumnKind>> = {
  calls_answered: COUNT,
  calls_missed: COUNT,
  calls_rejected: COUNT,
  calls_hangup: COUNT,
  calls_voicemail: COUNT,
  answer_rate: TEN_THOUSANDTHS,
  p50_call_length_sec: CENTS,
  p95_call_length_sec: CENTS,
  p99_call_length_sec: CENTS,
  min_call_length_sec: SECONDS,
  max_call_length_sec: SECONDS,
  total_call_length_sec: SECONDS,
  avg_sentiment: TEN_THOUSANDTHS,
};

export function isMetricColumn(value: unknown): value is MetricColumn {
  return typeof value === 'string' && (METRIC_COLUMNS as readonly string[]).includes(value);
}
