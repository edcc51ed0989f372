import { floatLiteral, intLiteral, qualifiedName } from '../../lib/clickhouse/sql-literals';
import type { CallWindow } from './days';
import { normal, statusExpressions, textExpressions, unit, uuid } from './expressions';
import type { RowSelection } from './selection';
import type { TextPool } from './text';

/** ClickHouse refuses statements longer than max_query_size (256 KiB by default). */
export const MAX_QUERY_BYTES = 256 * 1024;

export const COLUMNS = [
  'customer_id',
  'conversation_id',
  'agent_id',
  'call_start',
  'call_end',
  'call_duration_sec',
  'call_status',
  'transcript',
  'sentiment_score',
  'keywords',
  'created_at',
  'updated_at',
] as const;

/** One INSERT … SELECT: rows [offset, offset + count) of one day. */
export interface ChunkSpec {
  readonly database: string;
  readonly table: string;
  readonly seed: number;
  readonly day: CallWindow;
  readonly offset: number;
  readonly count: number;
  readonly selection: RowSelection;
  readonly agents: number;
  readonly customers: number;
  readonly negativeRate: number;
  readonly pool: TextPool;
}

/** Who called whom and when: fixed by (seed, day, n), so an update row keeps them. */
function identityExpressions(spec: ChunkSpec): string[] {
  const { day, selection: sel } = spec;
  const s = intLiteral(spec.seed);
  const [len, busyLen] = [day.end - day.start, day.busyEnd - day.busyStart];
  // 80% of calls in 08:00-20:00 local (triangular, peaking mid-afternoon), the rest anywhere in the day.
  const busy = `${intLiteral(day.busyStart)} + least(${intLiteral(busyLen - 1)}, toUInt32(floor((${unit('intHash64(h + 6)')} + ${unit('intHash64(h + 7)')}) / 2 * ${intLiteral(busyLen)})))`;
  const anytime = `${intLiteral(day.start)} + least(${intLiteral(len - 1)}, toUInt32(floor(${unit('intHash64(h + 6)')} * ${intLiteral(len)})))`;
  return [
    `cityHash64(${s}, ${intLiteral(day.start)}, number) AS h`,
    `(number * ${intLiteral(sel.multiplier)} + ${intLiteral(sel.shift)}) % ${intLiteral(sel.calls)} AS row_rank`,
    `arrayJoin(if(row_rank < ${intLiteral(sel.duplicates)}, [0, 0], if(row_rank < ${intLiteral(sel.duplicates + sel.updates)}, [0, 1], [0]))) AS row_version`,
    // Agent shares fall linearly from the first agent to the last, which gets a fifth as many calls (inverse CDF).
    `least(${intLiteral(spec.agents - 1)}, toUInt64(floor(${intLiteral(spec.agents)} * (1 - sqrt(1 - 0.96 * ${unit('intHash64(h + 1)')})) / 0.8))) AS agent`,
    `${uuid(`cityHash64(${s}, 1, agent)`, `cityHash64(${s}, 2, agent)`)} AS agent_id`,
    `intHash64(h + 2) % ${intLiteral(spec.customers)} AS customer`,
    `${uuid(`cityHash64(${s}, 3, customer)`, `cityHash64(${s}, 4, customer)`)} AS customer_id`,
    `${uuid('intHash64(h + 3)', 'intHash64(h + 4)')} AS conversation_id`,
    `toDateTime(if(${unit('intHash64(h + 5)')} < 0.8, ${busy}, ${anytime})) AS call_start`,
  ];
}

/**
 * Durations: Answered log-normal around 270 s (agents differ by a factor of about e^±0.25), most 1-10 min, a long
 * tail capped at 4 h; Hangup short (around 30 s); Voicemail 8-97 s; Rejected 0-3 s; Missed 0. A `negativeRate` share
 * of rows gets a negative duration, as a faulty source would.
 */
function durationExpressions(spec: ChunkSpec): string[] {
  const s = intLiteral(spec.seed);
  return [
    `${normal('intHash64(g + 9)', 'intHash64(g + 10)')} AS z`,
    `${normal(`cityHash64(${s}, 5, agent)`, `cityHash64(${s}, 6, agent)`)} AS agent_z`,
    `${unit('intHash64(g + 11)')} AS short_u`,
    `multiIf(${unit('intHash64(g + 12)')} < ${floatLiteral(spec.negativeRate)}, -toInt32(1 + floor(short_u * 300)),
      status = 'Answered', toInt32(least(14400, round(exp(5.6 + 0.25 * agent_z + 0.8 * z)))),
      status = 'Hangup', toInt32(least(900, round(exp(3.4 + 0.9 * z)))),
      status = 'Voicemail', toInt32(8 + floor(short_u * 90)),
      status = 'Rejected', toInt32(floor(short_u * 4)),
      toInt32(0)) AS call_duration_sec`,
    'call_start + call_duration_sec AS call_end',
  ];
}

/**
 * The INSERT statement for one chunk: rows n = offset … offset + count - 1 of the day, every random choice a hash of
 * (seed, day, n). Version 0 is the call; version 1 (an update) redraws status, duration and text from another hash.
 * created_at = updated_at: shortly after the call ends, or 1-2 days after it starts for an update, so an update is
 * always later than the row it replaces.
 */
export function insertChunkSql(spec: ChunkSpec): string {
  // numbers(offset, 0) is an endless stream on 18.16, not an empty one.
  if (!Number.isSafeInteger(spec.count) || spec.count < 1) throw new RangeError(`chunk of ${spec.count} rows`);
  const expressions = [
    ...identityExpressions(spec),
    'if(row_version = 0, h, intHash64(bitXor(h, 11400714819323198485))) AS g',
    `${unit('intHash64(g + 8)')} AS status_u`,
    ...statusExpressions(),
    ...durationExpressions(spec),
    ...textExpressions(spec.pool),
    `toDateTime(toUInt32(call_start) + if(row_version = 0,
      toUInt32(greatest(call_duration_sec, 0)) + 5 + toUInt32(intHash64(h + 18) % 120),
      86400 + toUInt32(intHash64(h + 19) % 86400))) AS created_at`,
    'created_at AS updated_at',
  ];
  const sql = `INSERT INTO ${qualifiedName(spec.database, spec.table)} (${COLUMNS.join(', ')})
SELECT ${COLUMNS.join(', ')} FROM (SELECT
  ${expressions.join(',\n  ')}
FROM numbers(${intLiteral(spec.offset)}, ${intLiteral(spec.count)}))`;
  const bytes = Buffer.byteLength(sql);
  if (bytes > MAX_QUERY_BYTES) throw new RangeError(`generated INSERT is ${bytes} bytes, over ${MAX_QUERY_BYTES}`);
  return sql;
}
