import type { ClickHouseClient } from '@clickhouse/client';
import { planGeneration, type DaySummary, type PlannedChunk, type SyntheticOptions } from './plan';
import { mapPool } from '../../lib/pool';
import { insertChunkSql } from './sql';

export { CHUNK_CALLS, type DaySummary, type SyntheticOptions } from './plan';

export interface GenerateOptions extends SyntheticOptions {
  /** INSERT statements in flight at once (default 2; the rows do not depend on it). */
  readonly concurrency?: number;
  /** Called after each INSERT with the running totals. */
  readonly onProgress?: (progress: GenerateProgress) => void;
}

export interface GenerateProgress {
  /** The day of the INSERT that just finished. */
  readonly date: string;
  readonly calls: number;
  readonly totalCalls: number;
  readonly rows: number;
  readonly elapsedMs: number;
}

export interface GenerateSummary {
  readonly seed: number;
  readonly timezone: string;
  readonly days: readonly DaySummary[];
  readonly rows: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
}

/**
 * Inserts `callsPerDay` synthetic calls for every local day from `from` to `to`, plus their duplicates and updates.
 * ClickHouse builds the rows (INSERT … SELECT … FROM numbers), so nothing but SQL text crosses the wire. A failed
 * INSERT stops the run; the chunks inserted before it stay in the table.
 */
export async function generateConversations(client: ClickHouseClient, o: GenerateOptions): Promise<GenerateSummary> {
  const concurrency = o.concurrency ?? 2;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be 1 or more');
  const { days, chunks } = planGeneration(o);
  const totalCalls = o.callsPerDay * days.length;
  const started = Date.now();
  const done = { calls: 0, rows: 0 };
  const insert = async ({ spec, rows }: PlannedChunk) => {
    try {
      await client.command({ query: insertChunkSql(spec) });
    } catch (cause) {
      const what = `calls ${spec.offset}..${spec.offset + spec.count - 1} of ${spec.day.date} into ${o.database}.${o.table}`;
      throw new Error(`Inserting ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    done.calls += spec.count;
    done.rows += rows;
    const elapsedMs = Date.now() - started;
    o.onProgress?.({ date: spec.day.date, calls: done.calls, totalCalls, rows: done.rows, elapsedMs });
  };
  await mapPool(chunks, concurrency, insert);
  const elapsedMs = Date.now() - started;
  const rowsPerSecond = Math.round(done.rows / Math.max(elapsedMs / 1000, 0.001));
  return { seed: o.seed, timezone: o.timezone, days, rows: done.rows, elapsedMs, rowsPerSecond };
}
