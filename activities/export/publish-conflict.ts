import { ApplicationFailure } from '@temporalio/common';

/** Whether S3 refused a conditional write (If-Match, If-None-Match, x-amz-copy-source-if-match): 412. */
export function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.Code === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412;
}

/**
 * The failure of a publish that found the day's objects changed by another writer since this run looked (another
 * namespace's run of the same day, or a person). Non-retryable: retrying would overwrite the other writer's file
 * blindly; running the day again plans anew from what the bucket then holds.
 */
export function publishConflict(what: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'PublishConflictError',
    nonRetryable: true,
    message: `${what}: another writer changed the day's files while this run published; nothing of theirs was replaced, run the day again`,
    ...(cause instanceof Error ? { cause } : {}),
  });
}
