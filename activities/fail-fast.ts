import { ApplicationFailure } from '@temporalio/common';
import { ClickHouseQueryError, ConfigError, S3RequestError, VerificationError } from '../lib/errors';

/**
 * Runs an activity body and turns known permanent errors into non-retryable failures whose type is the error's class
 * name and whose message names the cause. Transient errors are rethrown as they are, so Temporal retries them.
 */
export async function failFast<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    const permanent =
      err instanceof ConfigError ||
      err instanceof VerificationError ||
      ((err instanceof ClickHouseQueryError || err instanceof S3RequestError) && err.permanent);
    if (permanent) {
      throw ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: true, cause: err });
    }
    throw err;
  }
}
