import type { DayPlan } from '../../common/day-state';

/** A workflow run exports chunkDays × CHUNKS_PER_RUN days (93 by default), then continues as new. */
export const CHUNKS_PER_RUN = 3;

/** Days of the first chunk of a run: small, so exports start after a short query while the next chunk computes. */
const FIRST_CHUNK_DAYS = 7;

/** The run's days (or their plans) in chunks of `size`, the first one at most FIRST_CHUNK_DAYS long. */
export function chunksOf<T>(days: readonly T[], size: number): T[][] {
  const first = Math.min(size, FIRST_CHUNK_DAYS);
  const out: T[][] = [days.slice(0, first)];
  for (let i = first; i < days.length; i += size) out.push(days.slice(i, i + size));
  return out;
}

/** Source rows one batch query may aggregate: bounds ClickHouse's memory (it sorts every included duration). */
const MAX_BATCH_ROWS = 40_000_000;

/** Days of the plan to compute together, each group under MAX_BATCH_ROWS source rows (at least one day). */
export function batches(plans: readonly DayPlan[]): DayPlan[][] {
  const out: DayPlan[][] = [];
  let rows = Infinity;
  for (const p of plans) {
    if (rows + p.sourceRows > MAX_BATCH_ROWS) {
      out.push([]);
      rows = 0;
    }
    out[out.length - 1]!.push(p);
    rows += p.sourceRows;
  }
  return out;
}

/** `2024-03-01 … 2024-03-31`: a chunk or batch of days in progress lines and activity summaries. */
export function rangeText(days: readonly (string | { readonly date: string })[]): string {
  const date = (d: string | { readonly date: string }) => (typeof d === 'string' ? d : d.date);
  return `${date(days[0]!)} … ${date(days[days.length - 1]!)}`;
}
