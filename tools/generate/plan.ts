import { dayRange } from '../../common/calendar';
import { quoteIdentifier } from '../../lib/clickhouse/sql-literals';
import { callWindow } from './days';
import { rowSelection, selectedPerChunk } from './selection';
import type { ChunkSpec } from './sql';
import { buildTextPool } from './text';

/** Calls per INSERT statement by default. */
export const CHUNK_CALLS = 1_000_000;

/** What to generate; the same values give the same rows. */
export interface SyntheticOptions {
  readonly database: string;
  readonly table: string;
  /** First and last local calendar day, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly callsPerDay: number;
  readonly agents: number;
  /** 0 to 2^32 - 1. */
  readonly seed: number;
  /** IANA name; each day's calls fall in [D 00:00, D+1 00:00) there. */
  readonly timezone: string;
  /** Share of calls inserted twice, identically (default 0.005). */
  readonly duplicateRate?: number;
  /** Share of calls that get a later row with the same id and call_start and a new status, duration, text (0.005). */
  readonly updateRate?: number;
  /** Share of rows with a negative duration, which the export leaves out and counts (default 0.0001). */
  readonly negativeRate?: number;
  /** Size of the customer id pool (default max(100, callsPerDay / 2)). */
  readonly customers?: number;
  /** Calls per INSERT (default CHUNK_CALLS). The rows never depend on it: each is a function of (seed, day, n). */
  readonly chunkCalls?: number;
}

export interface DaySummary {
  readonly date: string;
  /** The local day's window as UTC ISO instants, [start, end). */
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly calls: number;
  readonly duplicates: number;
  readonly updates: number;
  /** calls + duplicates + updates. */
  readonly rows: number;
}

/** One INSERT to run and the number of rows it adds. */
export interface PlannedChunk {
  readonly spec: ChunkSpec;
  readonly rows: number;
}

function check(o: SyntheticOptions, rates: readonly number[]): void {
  quoteIdentifier(o.database);
  quoteIdentifier(o.table);
  const counts = { callsPerDay: o.callsPerDay, agents: o.agents, customers: o.customers, chunkCalls: o.chunkCalls };
  for (const [name, value] of Object.entries(counts)) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new RangeError(`${name} must be a whole number of 1 or more, got ${value}`);
    }
  }
  if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    throw new RangeError('seed must be 0..2^32-1');
  if (rates.some((r) => !(r >= 0 && r <= 1))) throw new RangeError('rates must lie in [0, 1]');
  if (o.from > o.to) throw new RangeError(`from (${o.from}) is after to (${o.to})`);
}

/** The days and the INSERT chunks for `o`, with exact row counts; throws RangeError on invalid options. */
export function planGeneration(o: SyntheticOptions): { days: DaySummary[]; chunks: PlannedChunk[] } {
  const [duplicateRate, updateRate, negativeRate] = [
    o.duplicateRate ?? 0.005,
    o.updateRate ?? 0.005,
    o.negativeRate ?? 0.0001,
  ];
  check(o, [duplicateRate, updateRate, negativeRate]);
  const chunkCalls = o.chunkCalls ?? CHUNK_CALLS;
  const { database, table, seed, agents } = o;
  const common = {
    database,
    table,
    seed,
    agents,
    negativeRate,
    customers: o.customers ?? Math.max(100, Math.ceil(o.callsPerDay / 2)),
    pool: buildTextPool(seed),
  };
  const days: DaySummary[] = [];
  const chunks: PlannedChunk[] = [];
  for (const date of dayRange(o.from, o.to)) {
    const day = callWindow(date, o.timezone);
    const selection = rowSelection(o.callsPerDay, duplicateRate, updateRate, `${seed}/${date}`);
    const { calls, duplicates, updates } = selection;
    const iso = (epoch: number) => new Date(epoch * 1000).toISOString();
    days.push({
      date,
      windowStart: iso(day.start),
      windowEnd: iso(day.end),
      calls,
      duplicates,
      updates,
      rows: calls + duplicates + updates,
    });
    selectedPerChunk(selection, chunkCalls).forEach((extra, i) => {
      const count = Math.min(chunkCalls, calls - i * chunkCalls);
      const spec: ChunkSpec = { ...common, day, selection, offset: i * chunkCalls, count };
      chunks.push({ spec, rows: count + extra.duplicates + extra.updates });
    });
  }
  return { days, chunks };
}
