import { CALL_STATUSES } from '../../common/call-status';
import type { CallRow } from './conversations-table';

/**
 * An independent reference for docs/contract.md §3, written from its text, not from the product's SQL:
 * floats and a plain sort, the R7 formula as the spec states it, Math.round for 2 decimals.
 */
export function percentile90(values: readonly number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 1) return x[0]!;
  const h = 0.9 * (n - 1);
  const lo = Math.floor(h);
  const next = x[Math.min(lo + 1, n - 1)]!;
  return x[lo]! + (h - lo) * (next - x[lo]!);
}

function twoDecimals(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The mean rounded half up on its exact value: sum * 100 is an exact integer, so only one rounding happens. */
function meanTwoDecimals(values: readonly number[]): string {
  const sum = values.reduce((s, d) => s + d, 0);
  return String(Math.round((sum * 100) / values.length) / 100);
}

/** The CSV's data rows (without header) that docs/contract.md §3–§4 asks for, for the rows of one window. */
export function referenceCsvRows(
  rows: readonly CallRow[],
  window: { start: number; end: number },
  statuses: readonly string[],
  date: string,
): string[][] {
  const latest = new Map<string, CallRow>();
  rows.forEach((row, index) => {
    if (row.start < window.start || row.start >= window.end) return;
    const id = row.conversationId ?? `row-${index}`;
    const seen = latest.get(id);
    if (!seen || (row.updatedAt ?? 0) > (seen.updatedAt ?? 0)) latest.set(id, row);
  });
  const byAgent = new Map<string, number[]>();
  for (const row of latest.values()) {
    if (!statuses.includes(row.status ?? 'Answered') || row.duration < 0) continue;
    byAgent.set(row.agentId, [...(byAgent.get(row.agentId) ?? []), row.duration]);
  }
  return [...byAgent.entries()]
    .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))
    .map(([agent, durations]) => [
      agent.toLowerCase(),
      meanTwoDecimals(durations),
      twoDecimals(percentile90(durations)),
      String(durations.length),
      date,
    ]);
}

/**
 * An independent reference for the optional columns of docs/contract.md §9, written from its text with exact
 * rational arithmetic (BigInt), not from the product's SQL. Values come out as the file's decimal text.
 */

/** One stored row, as the test reads it back from ClickHouse: the sentiment as its exact IEEE-754 bits. */
export interface StoredCall {
  readonly conversationId: string;
  readonly agentId: string;
  readonly start: number;
  readonly duration: number;
  readonly status: string;
  readonly updatedAt: number;
  /** sentiment_score's 8 bytes, little-endian, as hex. */
  readonly sentimentBits: string;
}

/** round(num / den) half up for num ≥ 0, den > 0. */
function halfUp(num: bigint, den: bigint): bigint {
  return (2n * num + den) / (2n * den);
}

/** round(num / den) half away from zero, den > 0. */
function halfAway(num: bigint, den: bigint): bigint {
  const q = halfUp(num < 0n ? -num : num, den);
  return num < 0n ? -q : q;
}

/** `scaled` / 10^decimals as plain decimal text, no trailing zeros. */
function text(scaled: bigint, decimals: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(decimals + 1, '0');
  const whole = decimals === 0 ? digits : digits.slice(0, -decimals);
  const frac = decimals === 0 ? '' : digits.slice(-decimals).replace(/0+$/, '');
  const out = frac ? `${whole}.${frac}` : whole;
  return negative && out !== '0' ? `-${out}` : out;
}

/** A double's exact value as sign · m · 2^e with integers (from its bits). */
function exactDouble(bitsHex: string): { negative: boolean; m: bigint; e: number } {
  // ClickHouse's reinterpretAsString drops trailing zero bytes (0.0 is an empty string): pad them back.
  const bits = Buffer.from(bitsHex.padEnd(16, '0'), 'hex').readBigUInt64LE();
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0x7ff) throw new RangeError('not a finite sentiment');
  return biased === 0 ? { negative, m: fraction, e: -1074 } : { negative, m: fraction | (1n << 52n), e: biased - 1075 };
}

/** The score rounded half away from zero to 6 decimals of its exact binary value, in millionths. */
export function micros(bitsHex: string): bigint {
  const { negative, m, e } = exactDouble(bitsHex);
  const num = e >= 0 ? m * 10n ** 6n * 2n ** BigInt(e) : m * 10n ** 6n;
  const den = e >= 0 ? 1n : 2n ** BigInt(-e);
  const q = halfUp(num, den);
  return negative ? -q : q;
}

/** R7 at q = k/100 over sorted whole seconds, exactly, in hundredths of the value (rounded half up: already whole). */
function percentileText(sorted: readonly number[], k: number): string {
  const n = sorted.length;
  const hNum = BigInt(k) * BigInt(n - 1); // h = hNum / 100
  const lo = Number(hNum / 100n);
  const frac = hNum % 100n;
  const a = BigInt(sorted[lo]!);
  const b = BigInt(sorted[Math.min(lo + 1, n - 1)]!);
  // value = a + frac/100 (b - a) = (100 a + frac (b - a)) / 100
  return text(halfUp(100n * a + frac * (b - a), 1n), 2);
}

function later(a: StoredCall, b: StoredCall): boolean {
  const keys = (c: StoredCall) => [c.updatedAt, c.duration, CALL_STATUSES.indexOf(c.status as never), c.agentId];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i += 1) if (ka[i]! !== kb[i]!) return ka[i]! > kb[i]!;
  const [sa, sb] = [
    Buffer.from(a.sentimentBits, 'hex').readDoubleLE(),
    Buffer.from(b.sentimentBits, 'hex').readDoubleLE(),
  ];
  return sa > sb;
}

/** Per agent (lowercase id) that has an included call, the three computed required columns and each optional one. */
export function referenceColumns(
  rows: readonly StoredCall[],
  window: { start: number; end: number },
  statuses: readonly string[],
): Map<string, Record<string, string>> {
  const latest = new Map<string, StoredCall>();
  for (const row of rows) {
    if (row.start < window.start || row.start >= window.end) continue;
    const seen = latest.get(row.conversationId);
    if (!seen || later(row, seen)) latest.set(row.conversationId, row);
  }
  const byAgent = new Map<string, StoredCall[]>();
  for (const c of latest.values()) {
    if (c.duration < 0) continue;
    byAgent.set(c.agentId.toLowerCase(), [...(byAgent.get(c.agentId.toLowerCase()) ?? []), c]);
  }
  const out = new Map<string, Record<string, string>>();
  for (const [agent, conversations] of byAgent) {
    const included = conversations.filter((c) => statuses.includes(c.status));
    if (included.length === 0) continue;
    const count = (status: string) => conversations.filter((c) => c.status === status).length;
    const sorted = included.map((c) => c.duration).sort((a, b) => a - b);
    const n = BigInt(included.length);
    const sentimentSum = included.reduce((s, c) => s + micros(c.sentimentBits), 0n);
    const total = sorted.reduce((sum, d) => sum + d, 0);
    out.set(agent, {
      avg_call_length_sec: text(halfUp(BigInt(total) * 100n, n), 2),
      p90_call_length_sec: percentileText(sorted, 90),
      total_calls: String(included.length),
      calls_answered: String(count('Answered')),
      calls_missed: String(count('Missed')),
      calls_rejected: String(count('Rejected')),
      calls_hangup: String(count('Hangup')),
      calls_voicemail: String(count('Voicemail')),
      answer_rate: text(halfUp(BigInt(count('Answered')) * 10_000n, BigInt(conversations.length)), 4),
      p50_call_length_sec: percentileText(sorted, 50),
      p95_call_length_sec: percentileText(sorted, 95),
      p99_call_length_sec: percentileText(sorted, 99),
      min_call_length_sec: String(sorted[0]),
      max_call_length_sec: String(sorted[sorted.length - 1]),
      total_call_length_sec: String(total),
      // mean of the millionths, to 4 decimals: sum / (n · 10^6) · 10^4 = sum / (100 n)
      avg_sentiment: text(halfAway(sentimentSum, 100n * n), 4),
    });
  }
  return out;
}
