import assert from 'node:assert/strict';
import {
  addOutcome,
  EMPTY_TALLY,
  LISTED_DAYS,
  type BackfillCarry,
  type BackfillInput,
  type DayOutcome,
} from '../../common/backfill-types';
import { addDays, dayRange } from '../../common/calendar';
import { STUB_TEMPLATE } from '../helpers/export-input';

/** A failed day with the longest detail a failure gives (failureText keeps 500 characters). */
const failed = (date: string): DayOutcome => ({
  date,
  result: 'failed',
  detail: `no data for ${date}: ${'0 rows (fewer than MIN_ROWS=1) in the window; '.repeat(20)}`.slice(0, 500),
  sourceRows: 0,
});

describe('backfill tally', () => {
  it('keeps what continue-as-new carries for 3,660 failed days far under 2 MB', () => {
    const days = dayRange('2014-01-01', addDays('2014-01-01', 3_659));
    assert.equal(days.length, 3_660);
    // The days end out of order, as concurrent runs do.
    const order = [...days].sort((a, b) => (a.slice(8) < b.slice(8) ? -1 : a.slice(8) > b.slice(8) ? 1 : 0));
    const tally = order.map(failed).reduce(addOutcome, EMPTY_TALLY);
    const input: BackfillInput = {
      from: days[0]!,
      to: days[days.length - 1]!,
      concurrency: 4,
      force: false,
      only: 'all',
      template: STUB_TEMPLATE,
      chunkDays: 31,
      carried: { next: days[days.length - 1]!, startedAt: '2026-01-01T00:00:00.000Z', tally } satisfies BackfillCarry,
    };
    const bytes = Buffer.byteLength(JSON.stringify(input));
    const everyOutcome = Buffer.byteLength(JSON.stringify(order.map(failed)));
    assert.ok(everyOutcome > 2_000_000, `every outcome listed: ${everyOutcome} bytes`);
    assert.ok(bytes < 50_000, `the carried input: ${bytes} bytes`);
    assert.equal(tally.counts.done, 3_660);
    assert.equal(tally.counts.failed, 3_660);
    assert.deepEqual(
      tally.failures.map((o) => o.date),
      days.slice(0, LISTED_DAYS),
      'the first failed days by date',
    );
    assert.equal(tally.latest.length, LISTED_DAYS);
  });

  it('counts every result and the source rows of the exported days only', () => {
    const outcomes: DayOutcome[] = [
      { date: '2024-01-01', result: 'exported', detail: 'ok', sourceRows: 10 },
      { date: '2024-01-02', result: 'up-to-date', detail: 'ok', sourceRows: 7 },
      { date: '2024-01-03', result: 'not-selected', detail: 'stale', sourceRows: 3 },
      failed('2024-01-04'),
      { date: '2024-01-05', result: 'not-selected', detail: 'source shrank', sourceRows: 0, shrank: true },
    ];
    const tally = outcomes.reduce(addOutcome, EMPTY_TALLY);
    assert.deepEqual(tally.counts, {
      done: 5,
      exported: 1,
      upToDate: 1,
      failed: 1,
      notSelected: 1,
      shrunk: 1,
      rows: 10,
    });
    assert.deepEqual(
      tally.latest.map((o) => o.date),
      outcomes.map((o) => o.date),
    );
    assert.ok(tally.failures[0]!.detail.length <= 300, 'a named failure keeps the start of its detail');
  });
});
