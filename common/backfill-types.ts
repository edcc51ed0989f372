import type { BackfillSelection } from './day-state';
import type { ExportTemplate } from './export-types';

/** A backfill of the days `from`…`to` (inclusive): workflow `agent-metrics-backfill-<from>-<to>`. */
export interface BackfillInput {
  readonly from: string;
  readonly to: string;
  readonly concurrency: number;
  readonly force: boolean;
  readonly only: BackfillSelection;
  readonly template: ExportTemplate;
  /** Days planned and computed together (one ClickHouse query each); the workflow continues as new after each. */
  readonly chunkDays: number;
  /** ClickHouse threads each batch query may use (BACKFILL_QUERY_THREADS); 0: the server's max_threads. */
  readonly queryThreads?: number;
  /** What earlier runs of this backfill did (continue-as-new carries it along). */
  readonly carried?: BackfillCarry;
}

export interface BackfillCarry {
  /** The first day not yet handled. */
  readonly next: string;
  readonly startedAt: string;
  readonly outcomes: readonly DayOutcome[];
}

/**
 * How a day of a backfill ended. 'not-selected' days were left out by --only; every other day counts towards
 * success only when it ended 'verified' (exported and read back) or 'up-to-date'.
 */
export interface DayOutcome {
  readonly date: string;
  readonly result: 'verified' | 'up-to-date' | 'failed' | 'not-selected';
  readonly detail: string;
  readonly agents?: number;
  readonly sourceRows?: number;
  readonly runId?: string;
}

/** What the `progress` query returns while a backfill runs, and the workflow's result at the end. */
export interface BackfillProgress {
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly concurrency: number;
  readonly force: boolean;
  readonly only: BackfillSelection;
  readonly startedAt: string;
  readonly phase: string;
  readonly running: readonly string[];
  readonly outcomes: readonly DayOutcome[];
  readonly done: boolean;
}

/** Counts of a backfill's outcomes, for progress lines and the summary. */
export function countOutcomes(outcomes: readonly DayOutcome[]) {
  const counts = { verified: 0, upToDate: 0, failed: 0, notSelected: 0, rows: 0 };
  for (const o of outcomes) {
    if (o.result === 'verified') {
      counts.verified += 1;
      counts.rows += o.sourceRows ?? 0;
    } else if (o.result === 'up-to-date') counts.upToDate += 1;
    else if (o.result === 'failed') counts.failed += 1;
    else counts.notSelected += 1;
  }
  return counts;
}

/** The name of the backfill workflow's query handler that returns its BackfillProgress. */
export const PROGRESS_QUERY = 'progress';

export function backfillWorkflowId(from: string, to: string): string {
  return `agent-metrics-backfill-${from}-${to}`;
}
