import type { BackfillSelection, DayResult } from './day-state';
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

/** How one day of a backfill or of a scheduled run ended (`result`), with the detail a person reads. */
export interface DayOutcome {
  readonly date: string;
  readonly result: DayResult;
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
  const counts = { exported: 0, upToDate: 0, failed: 0, notSelected: 0, rows: 0 };
  for (const o of outcomes) {
    if (o.result === 'exported') {
      counts.exported += 1;
      counts.rows += o.sourceRows ?? 0;
    } else if (o.result === 'up-to-date') counts.upToDate += 1;
    else if (o.result === 'failed') counts.failed += 1;
    else counts.notSelected += 1;
  }
  return counts;
}
