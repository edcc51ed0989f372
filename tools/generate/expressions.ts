import { CALL_STATUSES, type CallStatus } from '../../common/call-status';
import { arrayLiteral, floatLiteral, intLiteral, quoteString } from '../../lib/clickhouse/sql-literals';
import type { TextPool } from './text';

// Pieces of the generator's INSERT … SELECT; `h` and `g` are the per-row UInt64 hashes it defines.

/** Share of calls per status, in enum order; Answered dominates. */
export const STATUS_SHARES: Readonly<Record<CallStatus, number>> = {
  Answered: 0.72,
  Missed: 0.1,
  Rejected: 0.04,
  Hangup: 0.09,
  Voicemail: 0.05,
};

/** Uniform in [0, 1) from a UInt64 hash (53 bits, so the division is exact). */
export const unit = (hash: string) => `(intDiv(${hash}, 2048) / 9007199254740992)`;
/** Standard normal from two hashes (Box-Muller; 1 - u is in (0, 1], so log is finite). */
export const normal = (a: string, b: string) =>
  `(sqrt(-2 * log(1 - ${unit(a)})) * cos(6.283185307179586 * ${unit(b)}))`;
/**
 * A version-4 UUID from two UInt64 hashes: the masks set the version nibble (byte 6) to 4 and the variant bits
 * (byte 8) to 10. 18.16 has no reinterpretAsUUID, so the 16 bytes go through UUIDNumToString and toUUID, which
 * current ClickHouse reads the same way.
 */
export const uuid = (a: string, b: string) => {
  const hi = `toFixedString(reinterpretAsString(bitOr(bitAnd(${a}, 18379190079298994175), 18014398509481984)), 8)`;
  const lo = `toFixedString(reinterpretAsString(bitOr(bitAnd(${b}, 18446744073709551423), 128)), 8)`;
  return `toUUID(UUIDNumToString(toFixedString(concat(${hi}, ${lo}), 16)))`;
};

export function statusExpressions(): string[] {
  let cumulative = 0;
  const branches = CALL_STATUSES.slice(0, -1).map((s) => {
    cumulative += STATUS_SHARES[s];
    return `status_u < ${floatLiteral(Math.round(cumulative * 1e6) / 1e6)}, ${quoteString(s)}`;
  });
  const enumType = `Enum8(${CALL_STATUSES.map((s, i) => `${quoteString(s)} = ${i + 1}`).join(', ')})`;
  return [
    `multiIf(${branches.join(', ')}, ${quoteString(CALL_STATUSES[CALL_STATUSES.length - 1]!)}) AS status`,
    `CAST(status AS ${enumType}) AS call_status`,
  ];
}

/**
 * Transcript and keywords come from one array each (dialogues, then openings, then voicemails, then empty), so
 * every row copies one string instead of one per status branch.
 */
export function textExpressions(pool: TextPool): string[] {
  const { dialogues, voicemails } = pool;
  const d = dialogues.length;
  const texts = [
    ...dialogues.map((x) => x.text),
    ...dialogues.map((x) => x.opening),
    ...voicemails.map((x) => x.text),
    '',
  ];
  const keywords = [
    ...dialogues.map((x) => x.keywords),
    ...dialogues.map(() => ['disconnected']),
    ...voicemails.map((x) => x.keywords),
    [] as string[],
  ];
  const voicemailIndex = `${intLiteral(2 * d + 1)} + intHash64(g + 14) % ${intLiteral(voicemails.length)}`;
  const byStatus = (answered: string, hangup: string, voicemail: string, other: string) =>
    `multiIf(status = 'Answered', ${answered}, status = 'Hangup', ${hangup}, status = 'Voicemail', ${voicemail}, ${other})`;
  return [
    `intHash64(g + 13) % ${intLiteral(d)} + 1 AS dialogue`,
    `${byStatus('dialogue', `${intLiteral(d)} + dialogue`, voicemailIndex, intLiteral(texts.length))} AS text_index`,
    `${arrayLiteral(texts, quoteString)}[text_index] AS transcript`,
    `${arrayLiteral(keywords, (k) => arrayLiteral(k, quoteString))}[text_index] AS keywords`,
    `(${unit('intHash64(g + 15)')} + ${unit('intHash64(g + 16)')} + ${unit('intHash64(g + 17)')} - 1.5) * 2 AS noise`,
    `round(greatest(-1., least(1., ${byStatus(
      `${arrayLiteral(dialogues, (x) => floatLiteral(x.sentiment))}[dialogue] + 0.2 * noise`,
      '-0.35 + 0.25 * noise',
      '0.15 * noise',
      '0.',
    )})), 3) AS sentiment_score`,
  ];
}
