import assert from 'node:assert/strict';
import type { DayStatus } from '../../common/day-state';
import { dayState, planDay, planLookbackDay } from '../../lib/days/day-plan';

describe('day states and backfill decisions', () => {
  const day = (state: DayStatus['state'], sourceRows = 10): DayStatus => ({
    date: 'd',
    state,
    detail: 'x',
    sourceRows,
    fingerprint: 'f',
    delivery: { state: state === 'running' ? 'missing' : state, detail: 'x' },
  });
  const verified = { state: 'verified' as const, detail: 'ok' };
  const run = (status: string) => ({
    status,
    runId: 'r',
    startTime: '2024-01-01T00:00:00Z',
    closeTime: '2024-01-01T00:01:00Z',
  });

  it('derives each state from the delivery and the latest run', () => {
    assert.equal(dayState(verified, run('RUNNING')).state, 'running');
    assert.equal(dayState(verified, run('FAILED')).state, 'verified');
    assert.equal(dayState({ state: 'failed', detail: 'sha' }).state, 'failed');
    assert.equal(dayState({ state: 'missing', detail: 'no manifest' }, run('FAILED')).state, 'failed');
    assert.equal(dayState({ state: 'stale', detail: 'changed' }, run('TIMED_OUT')).state, 'failed');
    assert.equal(dayState({ state: 'stale', detail: 'changed' }, run('COMPLETED')).state, 'stale');
    assert.equal(dayState({ state: 'missing', detail: 'no manifest' }).state, 'missing');
  });

  it('skips up-to-date days unless forced, and days --only leaves out', () => {
    const opts = { only: 'all' as const, force: false, minRows: 1 };
    assert.equal(planDay(day('verified'), opts).action, 'skip');
    assert.equal(planDay(day('verified'), { ...opts, force: true }).action, 'run');
    assert.equal(planDay(day('stale'), opts).action, 'run');
    assert.equal(planDay(day('running'), opts).action, 'attach');
    assert.equal(planDay(day('missing'), { ...opts, only: 'failed' }).action, 'skip');
    assert.equal(planDay(day('failed'), { ...opts, only: 'failed' }).action, 'run');
    assert.match(planDay(day('missing', 0), opts).why, /waits for data/);
  });

  it("exports a scheduled run's stale lookback days, and missing ones only when they hold data", () => {
    assert.equal(planLookbackDay(day('stale'), 1).action, 'run');
    assert.equal(planLookbackDay(day('missing'), 1).action, 'run');
    assert.equal(planLookbackDay(day('missing', 0), 0).action, 'skip');
    assert.equal(planLookbackDay(day('missing', 5), 6).action, 'skip');
    for (const state of ['verified', 'failed', 'running'] as const)
      assert.equal(planLookbackDay(day(state), 1).action, 'skip');
  });

  /** A stale day whose delivered file was computed from 1,234 rows and whose source holds none now. */
  const shrunk = (state: 'stale' | 'failed' = 'stale'): DayStatus => ({
    ...day(state, 0),
    delivery: {
      state: 'stale',
      detail: 'source shrank: 1,234 → 0 rows since the export',
      shrank: { exported: 1_234, now: 0 },
    },
  });

  it('leaves a day whose source shrank to an explicit --allow-shrink, saying why', () => {
    const opts = { only: 'all' as const, force: false, minRows: 1 };
    for (const only of ['all', 'stale'] as const) {
      const plan = planDay(shrunk(), { ...opts, only });
      assert.equal(plan.action, 'skip', `--only ${only}`);
      assert.match(plan.why, /source shrank: 1,234 → 0 rows.*--allow-shrink/);
    }
    assert.equal(planDay(shrunk('failed'), { ...opts, only: 'failed' }).action, 'skip');
    assert.equal(planDay(shrunk(), { ...opts, force: true }).action, 'skip', '--force alone does not');
    const allowed = planDay(shrunk(), { ...opts, only: 'stale', allowShrink: true });
    assert.equal(allowed.action, 'run');
    assert.match(allowed.why, /--allow-shrink/);
  });

  it('leaves a lookback day whose source shrank to an operator: the nightly run keeps the delivered file', () => {
    const plan = planLookbackDay(shrunk(), 1);
    assert.equal(plan.action, 'skip');
    assert.match(plan.why, /source shrank: 1,234 → 0 rows/);
  });

  it("names a failed run's cause, and a later failure beside a file that is still served", () => {
    const failed = { ...run('FAILED'), failure: 'no data for 2024-01-01: 0 rows' };
    const missing = { state: 'missing' as const, detail: 'no manifest' };
    assert.equal(
      dayState(missing, failed).detail,
      'last run failed at 2024-01-01T00:01:00Z: no data for 2024-01-01: 0 rows',
    );
    const delivered = {
      state: 'verified' as const,
      detail: 'ok',
      manifest: { generatedAt: '2023-12-31T00:00:00Z' } as never,
    };
    const later = dayState(delivered, { ...failed, failure: 'staged CSV does not verify: SHA-256 x, expected y' });
    assert.equal(later.state, 'verified');
    assert.match(later.detail, /^ok; a later run failed at .*: staged CSV does not verify.*still served/);
    const earlier = dayState({ ...delivered, manifest: { generatedAt: '2024-02-01T00:00:00Z' } as never }, failed);
    assert.equal(earlier.detail, 'ok', 'a failure before the delivery is history');
  });

  it('names the shrunk source in the detail of a failed day', () => {
    assert.match(dayState(shrunk().delivery, run('FAILED')).detail, /^last run failed .*; source shrank/);
  });
});
