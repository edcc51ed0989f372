import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidDayError, parseDay } from '../../common/calendar';
import { LOCAL_ERROR_RULES, failFast } from '../../activities/fail-fast';
import { dayWindow } from '../../lib/days/day-window';
import {
  ClickHouseQueryError,
  ConfigError,
  S3RequestError,
  StalledWorkError,
  UsageError,
  VerificationError,
} from '../../lib/errors';
import { quoteIdentifier } from '../../lib/clickhouse/sql-literals';

async function failureOf(thrown: unknown): Promise<unknown> {
  return failFast(() => Promise.reject(thrown)).then(
    () => assert.fail('expected a failure'),
    (err: unknown) => err,
  );
}

/** What the body threw, or the error it threw when building it failed (bad input throws while building). */
function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (err) {
    return err;
  }
  return assert.fail('expected the call to throw');
}

// Written from what each error means for a retry, not read from the table.
const EXPECTED: ReadonlyArray<[what: string, error: unknown, retried: boolean]> = [
  ['a ConfigError', new ConfigError(['CLICKHOUSE_HOST: required']), false],
  ['a UsageError', new UsageError('--from is after --to'), false],
  ['a VerificationError', new VerificationError('size differs', 'k.csv'), false],
  ['a StalledWorkError', new StalledWorkError('no progress for 60 s', 60_000), true],
  ['an impossible day (InvalidDayError)', thrownBy(() => parseDay('2024-02-30')), false],
  ['an unknown time zone (RangeError)', thrownBy(() => dayWindow('2024-01-01', 'Mars/Olympus')), false],
  ['a table name that is not an identifier', thrownBy(() => quoteIdentifier('x; DROP')), false],
  ['a permanent ClickHouse error', new ClickHouseQueryError('ClickHouse table does not exist', 60, true), false],
  ['a transient ClickHouse error', new ClickHouseQueryError('ClickHouse connect ECONNREFUSED', undefined, false), true],
  ['a permanent S3 error', new S3RequestError('S3 GET k failed: NoSuchKey', 'NoSuchKey', true), false],
  ['a transient S3 error', new S3RequestError('S3 PUT k failed: SlowDown', 'SlowDown', false), true],
  ['an unknown Error', new Error('something else'), true],
  ['a TypeError (fetch failed: a dropped connection)', new TypeError('fetch failed'), true],
];

describe('failFast', () => {
  for (const [what, error, retried] of EXPECTED) {
    it(`${retried ? 'lets Temporal retry' : 'fails without retry on'} ${what}`, async () => {
      const err = await failureOf(error);
      if (retried) {
        assert.equal(err, error, 'rethrown as it is');
        return;
      }
      assert.ok(err instanceof ApplicationFailure);
      assert.equal(err.nonRetryable, true);
      assert.equal(err.type, (error as Error).name);
      assert.equal(err.cause, error);
      assert.ok(err.message.startsWith((error as Error).message), 'names the cause');
    });
  }

  it('says why a local error is not retried', async () => {
    const err = (await failureOf(new InvalidDayError("'2024-02-30' is not a calendar date"))) as ApplicationFailure;
    assert.match(err.message, /is not a calendar date \(not retried: the same input is as bad on the next attempt\)$/);
  });

  it('has an expectation above for every row of the table', () => {
    const missing = LOCAL_ERROR_RULES.filter((rule) => !EXPECTED.some(([, error]) => error instanceof rule.type));
    assert.deepEqual(missing, []);
  });

  it('passes an ApplicationFailure through unchanged', async () => {
    const failure = ApplicationFailure.retryable('later', 'Later');
    assert.equal(await failureOf(failure), failure);
  });
});
