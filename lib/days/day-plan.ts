import type { BackfillSelection, DayPlan, DayState, DayStatus, LastRun } from '../../common/day-state';
import type { DeliveryCheck } from '../../common/export-types';

const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

/** "failed at <time>: <why>" for a run that ended without success. */
function runEnd(run: LastRun): string {
  const when = run.closeTime ? ` at ${run.closeTime}` : '';
  return `${run.status.toLowerCase().replace('_', ' ')}${when}${run.failure ? `: ${run.failure}` : ''}`;
}

/**
 * A day's state (docs/contract.md §6) from its delivery and its latest run: a running run wins; then a verified delivery; a delivery that
 * does not verify or a latest run that ended without success is 'failed'; then stale; else missing.
 */
export function dayState(delivery: DeliveryCheck, lastRun?: LastRun): { state: DayState; detail: string } {
  if (lastRun?.status === 'RUNNING')
    return { state: 'running', detail: `run ${lastRun.runId} started ${lastRun.startTime}` };
  if (delivery.state === 'verified') {
    // The file delivered earlier is still served; a later run that failed (a file that did not verify) is worth a word.
    const failedSince =
      lastRun && UNSUCCESSFUL.has(lastRun.status) && lastRun.startTime > (delivery.manifest?.generatedAt ?? '');
    return {
      state: 'verified',
      detail: failedSince
        ? `${delivery.detail}; a later run ${runEnd(lastRun)} (the file above is still served)`
        : delivery.detail,
    };
  }
  if (delivery.state === 'failed') return { state: 'failed', detail: `delivery does not verify: ${delivery.detail}` };
  if (lastRun && UNSUCCESSFUL.has(lastRun.status)) {
    const shrank = delivery.shrank ? `; ${delivery.detail}` : '';
    return { state: 'failed', detail: `last run ${runEnd(lastRun)}${shrank}` };
  }
  if (delivery.state === 'stale') return { state: 'stale', detail: delivery.detail };
  return {
    state: 'missing',
    detail: lastRun ? `no manifest (last run ${lastRun.status.toLowerCase()})` : 'never exported',
  };
}

/**
 * A day whose delivered file was computed from more source rows than the source holds now (deleted rows: TTL,
 * retention): a re-export would replace a good file with a smaller one, so only an explicit flag does it.
 */
function shrankWhy(day: DayStatus, flag: string): string | undefined {
  return day.delivery.shrank
    ? `${day.state}, but the ${day.delivery.detail}: not re-exported without ${flag} (it would replace the ` +
        `delivered file, computed from ${day.delivery.shrank.exported.toLocaleString('en-US')} rows, with a smaller one)`
    : undefined;
}

/** The backfill's decision for one day. */
export function planDay(
  day: DayStatus,
  options: { only: BackfillSelection; force: boolean; allowShrink?: boolean; minRows: number },
): Pick<DayPlan, 'action' | 'why' | 'shrank'> {
  const { only, force } = options;
  if (only !== 'all' && day.state !== only)
    return { action: 'skip', why: `${day.state}: not selected by --only ${only}` };
  const shrank = options.allowShrink ? undefined : shrankWhy(day, '--allow-shrink');
  if (shrank && (day.state === 'stale' || day.state === 'failed')) return { action: 'skip', why: shrank, shrank: true };
  switch (day.state) {
    case 'running':
      return { action: 'attach', why: `already running: ${day.detail}; the backfill waits for that run` };
    case 'verified':
      return force
        ? { action: 'run', why: 'verified, re-exported because of --force' }
        : {
            action: 'skip',
            why: `up to date (delivered ${day.delivery.manifest?.generatedAt ?? '?'}, source unchanged)`,
          };
    case 'stale':
      return {
        action: 'run',
        why: `stale: ${day.detail}${day.delivery.shrank ? ', re-exported because of --allow-shrink' : ''}`,
      };
    case 'failed':
      return { action: 'run', why: `failed: ${day.detail}` };
    case 'missing':
      return day.sourceRows < options.minRows
        ? {
            action: 'run',
            why: `missing, and the source holds ${day.sourceRows} rows (MIN_ROWS ${options.minRows}): the run waits for data while it may still arrive (DATA_WAIT_TIMEOUT after the day's end), then ON_EMPTY applies`,
          }
        : { action: 'run', why: `missing: ${day.detail}` };
  }
}

/**
 * What a scheduled run does with one of the LOOKBACK_DAYS days before its own: re-export it if it went stale (late
 * data), or export it if it was never delivered although its source holds rows. The second case is a run the schedule
 * itself never started: on the day clocks go forward, a SCHEDULE_TIME inside the skipped hour (02:00 in the US and
 * most of Europe) does not exist and Temporal skips that day's run. Failed and running days, and missing days without
 * data, are left alone: retrying them every night would repeat the same failure (see `npm run backfill`). So are
 * stale days whose source shrank (rows deleted by TTL or retention): the delivered file stays (docs/operations.md).
 */
export function planLookbackDay(day: DayStatus, minRows: number): Pick<DayPlan, 'action' | 'why' | 'shrank'> {
  const shrank = shrankWhy(day, 'an operator (`backfill --allow-shrink` or `export --force`)');
  if (day.state === 'stale' && shrank) return { action: 'skip', why: shrank, shrank: true };
  if (day.state === 'stale') return { action: 'run', why: `stale: ${day.detail}` };
  if (day.state === 'missing' && day.sourceRows > 0 && day.sourceRows >= minRows)
    return { action: 'run', why: `missing: ${day.detail}, and the source holds ${day.sourceRows} rows` };
  return { action: 'skip', why: `${day.state}: left to an operator` };
}
