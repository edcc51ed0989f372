import type { DeliveryCheck } from './export-types';

/**
 * The one vocabulary for a day (docs/contract.md §6). Two questions, two word lists, each word with one meaning:
 * - where a day stands (`DayState`: status, backfill plans, the schedule's lookback);
 * - what one run did with it (`DayResult`: an export's result, a backfill's or a scheduled run's per-day outcome).
 * "verified" is only ever a state (delivered and checked, source unchanged); a run that delivers the day now
 * "exported" it.
 */
export const DAY_STATES = ['verified', 'stale', 'missing', 'failed', 'running'] as const;
export type DayState = (typeof DAY_STATES)[number];

/** What the bucket holds for a day: a state other than running ('failed': a delivery that does not verify). */
export type DeliveryState = Exclude<DayState, 'running'>;

/** What one run did with a day: delivered it now, found it up to date, failed, or left it out (--only). */
export type DayResult = 'exported' | 'up-to-date' | 'failed' | 'not-selected';

/** Who started a day's export: a person, the daily schedule, the schedule's lookback, or a backfill. */
export type RunTrigger = 'manual' | 'scheduled' | 'lookback' | 'backfill';

/**
 * Why a run exported its day, as its manifest records it: `<trigger>: <what the bucket held>`, where a forced
 * re-export of a verified day says `forced` (`manual: missing`, `lookback: stale`, `backfill: forced`).
 */
export function exportReason(trigger: RunTrigger, delivery: DeliveryState): string {
  return `${trigger}: ${delivery === 'verified' ? 'forced' : delivery}`;
}

/** Which days a backfill takes: `all` is every day that is not verified (and verified ones too with --force). */
export const BACKFILL_SELECTIONS = ['missing', 'failed', 'stale', 'all'] as const;
export type BackfillSelection = (typeof BACKFILL_SELECTIONS)[number];

/** The latest run of a day's export workflow, as Temporal describes it. */
export interface LastRun {
  readonly status: string;
  readonly runId: string;
  readonly startTime: string;
  readonly closeTime?: string;
  /** Why a run that ended without success ended: the root cause's message, at most 300 characters. */
  readonly failure?: string;
  /** For a running run: the step that is retrying and its last error (`computeMetrics retrying: …`). */
  readonly retrying?: string;
}

/** What is known of one day: its source rows now, what the bucket holds and its latest run. */
export interface DayStatus {
  readonly date: string;
  readonly state: DayState;
  readonly detail: string;
  readonly sourceRows: number;
  readonly fingerprint: string;
  /** Its duration mismatches (docs/contract.md §9), counted by the fingerprint scan: a backfill's batch reuses them. */
  readonly durationMismatches?: number;
  readonly delivery: DeliveryCheck;
  readonly lastRun?: LastRun;
}

/** A day of a backfill's plan: run it, attach to the run already going, or skip it, and why. */
export interface DayPlan extends DayStatus {
  readonly action: 'run' | 'skip' | 'attach';
  readonly why: string;
  /** Skipped because its source shrank since its export: the delivered file stays (see DeliveryCheck.shrank). */
  readonly shrank?: true;
}
