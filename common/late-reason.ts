/** What a day's alerts workflow learns about the day at its deadline (activities/alerts/day-facts.ts). */
export interface DayFacts {
  /** The day's manifest exists: delivered and verified (docs/contract.md §4). */
  readonly delivered: boolean;
  /** The day's latest run: none, running, completed, or ended otherwise (failed, timed out, cancelled, terminated). */
  readonly run: 'none' | 'running' | 'completed' | 'ended';
  /** Why the latest run ended without completing, or the last error of a step it is retrying. */
  readonly problem?: string;
  /** The day's source rows, and the least that count as data (MIN_ROWS). */
  readonly sourceRows: number;
  readonly minRows: number;
}

/**
 * The reason a `late` event gives (docs/contract.md §10): "not started", "failing: <last error>" or "no data yet",
 * and, for a run that has its data and is still exporting when the deadline passes, "not verified yet".
 * `lastError` is the failure a run of the day reported since it was last delivered.
 */
export function lateReason(facts: DayFacts, lastError?: string): string {
  if (lastError !== undefined) return `failing: ${lastError}`;
  if (facts.run === 'none') return 'not started: no run of the day exists';
  if (facts.problem !== undefined) return `failing: ${facts.problem}`;
  if (facts.sourceRows < facts.minRows) {
    return `no data yet: ${facts.sourceRows} rows in the day's window (MIN_ROWS=${facts.minRows})`;
  }
  if (facts.run === 'completed') return 'failing: the last run completed but the day has no manifest';
  return 'not verified yet: the run has its data and is still exporting';
}
