import { ApplicationFailure } from '@temporalio/common';
import { verdict, type ErrorRule } from '../lib/error-rule';
import {
  ClickHouseQueryError,
  ConfigError,
  S3RequestError,
  StalledWorkError,
  UsageError,
  VerificationError,
} from '../lib/errors';

/** Error classes and whether the activity retries them; the first row the error is an instance of wins. */
export const LOCAL_ERROR_RULES: readonly (ErrorRule & { readonly type: abstract new (...args: never[]) => Error })[] = [
  { type: ConfigError, what: 'bad settings', retry: false, why: 'the settings must be fixed first' },
  { type: UsageError, what: 'bad argument', retry: false, why: 'the same argument is refused again' },
  {
    type: VerificationError,
    what: 'delivered file does not match',
    retry: false,
    why: 'an operator must look before anything is published',
  },
  {
    type: StalledWorkError,
    what: 'no progress',
    retry: true,
    why: 'the query or transfer hung; a new attempt starts it again',
  },
  // Bad workflow input: an impossible date, an unknown time zone, a table name that is not a plain identifier.
  { type: RangeError, what: 'bad input', retry: false, why: 'the same input is as bad on the next attempt' },
];

function nonRetryable(err: Error, message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: err.name, nonRetryable: true, cause: err });
}

/**
 * Runs an activity body and turns permanent errors into non-retryable failures whose type is the error's class name
 * and whose message names the cause and why it is not retried. ClickHouse and S3 errors carry their own verdict
 * (lib/clickhouse/errors.ts, lib/s3/errors.ts); other errors are looked up in LOCAL_ERROR_RULES. Transient and
 * unknown errors (a TypeError may be a dropped connection) are rethrown as they are, so Temporal retries them with
 * backoff within the step's schedule-to-close timeout.
 */
export async function failFast<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ClickHouseQueryError || err instanceof S3RequestError) {
      throw err.permanent ? nonRetryable(err, err.message) : err;
    }
    const rule = LOCAL_ERROR_RULES.find((r) => err instanceof r.type);
    if (rule && !rule.retry && err instanceof Error) throw nonRetryable(err, `${err.message} ${verdict(rule)}`);
    throw err;
  }
}
