import { ApplicationFailure } from '@temporalio/common';
import { csvKey, csvStagingKey, isRunId, isStagingKey, metricsStagingKey } from '../../lib/s3/keys';

/**
 * The S3 keys a step takes from its input are only ever the ones it can derive itself: keys in workflow inputs are
 * not trusted (whoever may start a workflow could otherwise name any object of the bucket as a copy source or a key
 * to delete). A step given any other key fails at once, non-retryable, naming the key; nothing is read or written.
 */
export interface StagedBy {
  readonly date: string;
  readonly prefix: string;
  /** The run that staged the day's files: the day's own run, or the backfill run that computed it in a batch. */
  readonly stagedBy: string;
}

function refuse(key: string, expected: string, what: string): never {
  throw ApplicationFailure.create({
    type: 'StagingKeyError',
    nonRetryable: true,
    message: `refusing S3 key "${key}": ${what} must be "${expected}"`,
  });
}

function checkRunId(input: StagedBy): void {
  if (!isRunId(input.stagedBy)) {
    refuse(input.stagedBy, '<a run id>', `the run that staged day ${input.date}'s files`);
  }
}

/** The staged CSV's key, when `key` is it. */
export function checkedCsvStagingKey(input: StagedBy, key: string): string {
  checkRunId(input);
  const expected = csvStagingKey(input.prefix, input.date, input.stagedBy);
  if (key !== expected) refuse(key, expected, `day ${input.date}'s staged CSV (run ${input.stagedBy})`);
  return expected;
}

/** The staged metrics' key, when `key` is it. */
export function checkedMetricsStagingKey(input: StagedBy, key: string): string {
  checkRunId(input);
  const expected = metricsStagingKey(input.prefix, input.date, input.stagedBy);
  if (key !== expected) refuse(key, expected, `day ${input.date}'s staged metrics (run ${input.stagedBy})`);
  return expected;
}

/** The day's final CSV key, when `key` is it. */
export function checkedCsvKey(input: { date: string; prefix: string }, key: string): string {
  const expected = csvKey(input.prefix, input.date);
  if (key !== expected) refuse(key, expected, `day ${input.date}'s CSV`);
  return expected;
}

/** Every staging object a run may have left for the day: what the manifest step removes. */
export function stagedObjects(input: StagedBy): string[] {
  checkRunId(input);
  return [
    metricsStagingKey(input.prefix, input.date, input.stagedBy),
    csvStagingKey(input.prefix, input.date, input.stagedBy),
  ];
}

/** `keys`, when every one is a staging object the product writes (any day and run); what removeStaged deletes. */
export function checkedStagingKeys(keys: readonly string[]): readonly string[] {
  const bad = keys.find((k) => !isStagingKey(k));
  if (bad !== undefined)
    refuse(bad, '<prefix>/_staging/<D>/<run id>/<metrics.jsonl or agent_metrics_D.csv>', 'a staged object');
  return keys;
}
