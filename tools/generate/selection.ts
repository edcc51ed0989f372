import { createHash } from 'node:crypto';

/**
 * Which of a day's `calls` rows (numbered 0..calls-1) get a duplicate or an update. Row n gets the rank
 * p(n) = (n * multiplier + shift) mod calls, a permutation because gcd(multiplier, calls) = 1: ranks below
 * `duplicates` are re-inserted identically, the next `updates` ranks get an update row. The counts are exact and the
 * choice is spread over the day; SQL evaluates p(n) per row, JS inverts it to count the rows of each chunk.
 */
export interface RowSelection {
  readonly calls: number;
  readonly multiplier: number;
  readonly shift: number;
  readonly duplicates: number;
  readonly updates: number;
}

const GOLDEN = 0.6180339887498949;

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}

/** The selection for one day; `key` (seed and date) moves the chosen rows from day to day and seed to seed. */
export function rowSelection(calls: number, duplicateRate: number, updateRate: number, key: string): RowSelection {
  const duplicates = Math.min(calls, Math.round(calls * duplicateRate));
  const updates = Math.min(calls - duplicates, Math.round(calls * updateRate));
  let multiplier = Math.max(1, Math.floor(calls * GOLDEN));
  while (gcd(BigInt(multiplier), BigInt(calls)) !== 1n) multiplier += 1;
  const digest = createHash('sha256').update(key).digest();
  const shift = calls === 0 ? 0 : digest.readUIntBE(0, 6) % calls;
  return { calls, multiplier, shift, duplicates, updates };
}

/** The row number n of each rank in [fromRank, toRank). */
function rowsWithRanks(selection: RowSelection, fromRank: number, toRank: number): number[] {
  if (toRank <= fromRank) return [];
  const m = BigInt(selection.calls);
  const inverse = modInverse(BigInt(selection.multiplier), m);
  const rows: number[] = [];
  for (let p = fromRank; p < toRank; p += 1) {
    const unshifted = ((BigInt(p - selection.shift) % m) + m) % m;
    rows.push(Number((unshifted * inverse) % m));
  }
  return rows;
}

/** How many duplicates and updates fall in each chunk of `chunkSize` rows (chunk i holds rows i*chunkSize…). */
export function selectedPerChunk(
  selection: RowSelection,
  chunkSize: number,
): { duplicates: number; updates: number }[] {
  const chunks = Array.from({ length: Math.ceil(selection.calls / chunkSize) }, () => ({ duplicates: 0, updates: 0 }));
  const { duplicates, updates } = selection;
  for (const n of rowsWithRanks(selection, 0, duplicates)) chunks[Math.floor(n / chunkSize)]!.duplicates += 1;
  for (const n of rowsWithRanks(selection, duplicates, duplicates + updates)) {
    chunks[Math.floor(n / chunkSize)]!.updates += 1;
  }
  return chunks;
}
