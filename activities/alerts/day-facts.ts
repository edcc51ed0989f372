import type { Client } from '@temporalio/client';
import type { DayAlertsInput } from '../../common/alert-types';
import type { DayFacts } from '../../common/late-reason';
import { lastRun } from '../../lib/days/day-status';
import { withBucket } from '../export-bucket';
import { readWindowStats } from '../../lib/clickhouse/window-stats';
import type { QueryOptions } from '../../lib/clickhouse/query';
import { manifestKey } from '../../lib/s3/keys';
import { readTextIfExists } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';

type DayRun = Pick<DayFacts, 'run' | 'problem'>;

/** The day's latest run, as `status` reads it: whether it exists, runs or ended, and its failure or retrying step. */
async function latestRun(temporal: Client, exportName: string, date: string): Promise<DayRun> {
  const last = await lastRun(temporal, exportName, date);
  if (!last) return { run: 'none' };
  if (last.status === 'RUNNING') return last.retrying ? { run: 'running', problem: last.retrying } : { run: 'running' };
  if (last.status === 'COMPLETED') return { run: 'completed' };
  return { run: 'ended', problem: last.failure ?? `the last run ended ${last.status.toLowerCase()}` };
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
  const run = await latestRun(temporal, input.exportName, input.date);
  const stats = await readWindowStats(deps, input, query);
  return { ...base, delivered: false, ...run, sourceRows: stats.sourceRows };
}
