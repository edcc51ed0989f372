import type { BackfillSelection, DayResult } from './day-state';
import type { ExportTemplate } from './export-types';

/** A backfill of the days `from`…`to` (inclusive): workflow `agent-metrics-backfill-<from>-<to>`. */
export interface BackfillInput {
  readonly from: string;
  readonly to: string;
  readonly concurrency: number;
  readonly force: boolean;
  readonly only: BackfillSelection;
  /** Re-export days whose source now holds fewer rows than their delivered file was computed from (--allow-shrink). */
  readonly allowShrink?: boolean;
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
  /** Counts and a bounded list of days, whatever the range's length (Temporal caps a payload at 2 MB). */
  readonly tally: OutcomeTally;
}

/** How one day of a backfill or of a scheduled run ended (`result`), with the detail a person reads. */
export interface DayOutcome {
  readonly date: string;
  readonly result: DayResult;
  readonly detail: string;
  readonly agents?: number;
  readonly sourceRows?: number;
  readonly runId?: string;
  /** Left alone because its source shrank since its export (re-exported only with --allow-shrink). */
  readonly shrank?: boolean;
}

/** Counts of a backfill's outcomes, for progress lines and the summary. */
export interface OutcomeCounts {
  readonly done: number;
  readonly exported: number;
  readonly upToDate: number;
  readonly failed: number;
  readonly notSelected: number;
  /** Days left alone because their source shrank since their export (not counted in notSelected). */
  readonly shrunk: number;
  /** Source rows of the days exported. */
  readonly rows: number;
}

/** Days a backfill names: the first LISTED_DAYS failed days by date, and the last LISTED_DAYS days that ended. */
export const LISTED_DAYS = 50;

/** Characters of a named day's detail: with LISTED_DAYS, what bounds the tally's size. */
const DETAIL_CHARS = 300;

/**
 * What a backfill has done, in a size that does not grow with the range (it is carried across continue-as-new and
 * returned as the result): the counts, the first LISTED_DAYS failed days by date (`status` shows the others) and
 * the last LISTED_DAYS days that ended, of any result.
 */
export interface OutcomeTally {
  readonly counts: OutcomeCounts;
  readonly failures: readonly DayOutcome[];
  readonly latest: readonly DayOutcome[];
}

export const EMPTY_TALLY: OutcomeTally = {
  counts: { done: 0, exported: 0, upToDate: 0, failed: 0, notSelected: 0, shrunk: 0, rows: 0 },
  failures: [],
  latest: [],
};

function countOutcome(c: OutcomeCounts, o: DayOutcome): OutcomeCounts {
  return {
    done: c.done + 1,
    exported: c.exported + (o.result === 'exported' ? 1 : 0),
    upToDate: c.upToDate + (o.result === 'up-to-date' ? 1 : 0),
    failed: c.failed + (o.result === 'failed' ? 1 : 0),
    notSelected: c.notSelected + (o.result === 'not-selected' && !o.shrank ? 1 : 0),
    shrunk: c.shrunk + (o.shrank ? 1 : 0),
    rows: c.rows + (o.result === 'exported' ? (o.sourceRows ?? 0) : 0),
  };
}

/** The tally with one more day that ended. */
export function addOutcome(t: OutcomeTally, outcome: DayOutcome): OutcomeTally {
  const o =
    outcome.detail.length > DETAIL_CHARS
      ? { ...outcome, detail: `${outcome.detail.slice(0, DETAIL_CHARS - 1)}…` }
      : outcome;
  const failures =
    o.result === 'failed'
      ? [...t.failures, o].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)).slice(0, LISTED_DAYS)
      : t.failures;
  return { counts: countOutcome(t.counts, o), failures, latest: [...t.latest, o].slice(-LISTED_DAYS) };
}

/** What the `progress` query returns while a backfill runs, and the workflow's result at the end. */
export interface BackfillProgress extends OutcomeTally {
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly concurrency: number;
  readonly force: boolean;
  readonly only: BackfillSelection;
  readonly allowShrink: boolean;
  readonly startedAt: string;
  readonly phase: string;
  readonly running: readonly string[];
  readonly done: boolean;
}
