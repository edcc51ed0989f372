import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DayAlertsInput } from '../../common/alert-types';
import { failureText } from '../../common/failure-text';
import type { DayFacts } from '../../common/late-reason';
import { dayWorkflowId } from '../../common/workflow-ids';
import { readWindowStats } from '../../lib/clickhouse/window-stats';
import type { QueryOptions } from '../../lib/clickhouse/query';
import { manifestKey } from '../../lib/s3/keys';
import { readTextIfExists } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { withBucket } from '../export-bucket';

type DayRun = Pick<DayFacts, 'run' | 'problem'>;

/** The day's latest run: whether it exists, runs or ended, and its failure or the error a step is retrying. */
async function latestRun(temporal: Client, workflowId: string): Promise<DayRun> {
  const handle = temporal.workflow.getHandle(workflowId);
  let described;
  try {
    described = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { run: 'none' };
    throw err;
  }
  const status = described.status.name;
  if (status === 'RUNNING') {
    const retrying = described.raw.pendingActivities?.find((a) => a.lastFailure?.message);
    return retrying
      ? {
          run: 'running',
          problem: `${retrying.activityType?.name ?? 'a step'} retrying: ${retrying.lastFailure?.message}`,
        }
      : { run: 'running' };
  }
  if (status === 'COMPLETED') return { run: 'completed' };
  try {
    await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError) return { run: 'ended', problem: failureText(err.cause ?? err) };
  }
  return { run: 'ended', problem: `the last run ended ${status.toLowerCase()}` };
}

/**
 * What the day looks like at its deadline (docs/contract.md §10): delivered (its manifest exists), else its latest
 * run and the rows its window holds, from which `lateReason` says why it is late.
 */
export async function dayFacts(
  deps: Services,
  temporal: Client,
  input: DayAlertsInput,
  query: QueryOptions,
): Promise<DayFacts> {
  const { s3, bucket } = withBucket(deps, input);
  const manifest = await readTextIfExists(s3, bucket, manifestKey(input.prefix, input.date), input.prefix);
  const base = { minRows: input.minRows };
  if (manifest !== undefined) return { ...base, delivered: true, run: 'completed', sourceRows: 0 };
  const run = await latestRun(temporal, dayWorkflowId(input.exportName, input.date));
  const stats = await readWindowStats(deps, input, query);
  return { ...base, delivered: false, ...run, sourceRows: stats.sourceRows };
}
