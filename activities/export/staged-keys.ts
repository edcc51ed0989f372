import { ApplicationFailure } from '@temporalio/common';
import { OUTPUT_FORMATS } from '../../common/output-format';
import { csvStagingKey, dataKey, isRunId, isStagingKey, metricsStagingKey } from '../../lib/s3/keys';

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

/** The staged file's key (in any format of docs/contract.md §9), when `key` is it. */
export function checkedCsvStagingKey(input: StagedBy, key: string): string {
  checkRunId(input);
  const expected = OUTPUT_FORMATS.map((f) => csvStagingKey(input.prefix, input.date, input.stagedBy, f));
  if (!expected.includes(key)) refuse(key, expected[0]!, `day ${input.date}'s staged file (run ${input.stagedBy})`);
  return key;
}

/** The staged metrics' key, when `key` is it. */
export function checkedMetricsStagingKey(input: StagedBy, key: string): string {
  checkRunId(input);
  const expected = metricsStagingKey(input.prefix, input.date, input.stagedBy);
  if (key !== expected) refuse(key, expected, `day ${input.date}'s staged metrics (run ${input.stagedBy})`);
  return expected;
}

/** The day's final file key (in any format), when `key` is it. */
export function checkedCsvKey(input: { date: string; prefix: string }, key: string): string {
  const expected = OUTPUT_FORMATS.map((f) => dataKey(input.prefix, input.date, f));
  if (!expected.includes(key)) refuse(key, expected[0]!, `day ${input.date}'s file`);
  return key;
}

/** Every staging object a run may have left for the day: what the manifest step removes. */
export function stagedObjects(input: StagedBy): string[] {
  checkRunId(input);
  return [
    metricsStagingKey(input.prefix, input.date, input.stagedBy),
    ...OUTPUT_FORMATS.map((f) => csvStagingKey(input.prefix, input.date, input.stagedBy, f)),
  ];
}

/** `keys`, when every one is a staging object the product writes (any day and run); what removeStaged deletes. */
export function checkedStagingKeys(keys: readonly string[]): readonly string[] {
  const bad = keys.find((k) => !isStagingKey(k));
  if (bad !== undefined)
    refuse(bad, '<prefix>/_staging/<D>/<run id>/<metrics.jsonl or agent_metrics_D.<format>>', 'a staged object');
  return keys;
}
