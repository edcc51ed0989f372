import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { DayPlan } from '../common/day-state';
import type { DeliveryCheck, ExportDayResult, ExportScope, PrecomputedDay, WindowStats } from '../common/export-types';
import { readWindowStats } from '../lib/clickhouse/window-stats';
import { planDays, type PlanQuery } from '../lib/days/day-status';
import { findDelivery, type DeliveryQuery } from '../lib/s3/delivery';
import { deleteObjects } from '../lib/s3/objects';
import type { Services } from '../lib/services';
import { computeMetrics, type ComputeInput } from './export/compute-metrics';
import { uploadCsv } from './export/upload-csv';
import { verifyCsv } from './export/verify-csv';
import { writeCsv } from './export/write-csv';
import { checkedStagingKeys, stagedObjects, type StagedBy } from './export/staged-keys';
import { writeManifest, type ManifestInput } from './export/write-manifest';
import { createAlertActivities, type AlertTarget } from './alerts';
import { checkedInput } from './checked-input';
import { withBucket } from './export-bucket';
import { failFast } from './fail-fast';
import { withWatchedQuery } from './watched-query';
import { awaitExport, type AwaitExportInput } from './planning/await-export';
import { computeBatch, type BatchInput } from './planning/compute-batch';
import { planScheduledRun, type ScheduledPlan, type ScheduledPlanInput } from './planning/plan-scheduled';

/** Activities that read or publish a day's data: the day must be over in its time zone. */
const ENDED = { ended: true };

/**
 * The steps of one day's export (docs/contract.md §5), bound to the worker's clients. Each checks its input first
 * (checkedInput): a run started by hand meets the same rules as one the commands start.
 */
export function createExportActivities(deps: Services) {
  return {
    checkData: (input: { date: string; timezone: string; table: string } & ExportScope): Promise<WindowStats> =>
      failFast(() =>
        withWatchedQuery(deps.clickhouse, (query) =>
          readWindowStats(deps, checkedInput('checkData', input, ENDED), query),
        ),
      ),
    findDelivery: (q: DeliveryQuery & ExportScope & { table?: string }): Promise<DeliveryCheck> =>
      failFast(() => {
        const input = checkedInput('findDelivery', q);
        // A manifest of an earlier release: the day's fingerprint by its row hash (a run from before `table` was
        // passed here cannot read it, and re-exports the day).
        const { table } = input;
        const legacy = table
          ? async () => (await readWindowStats(deps, { ...input, table }, {}, 'legacy')).fingerprint
          : undefined;
        return findDelivery(withBucket(deps, input), input, legacy);
      }),
    computeMetrics: (input: ComputeInput & ExportScope) =>
      failFast(() => computeMetrics(withBucket(deps, input), checkedInput('computeMetrics', input, ENDED))),
    writeCsv: (input: Parameters<typeof writeCsv>[1] & ExportScope) =>
      failFast(() => writeCsv(withBucket(deps, input), checkedInput('writeCsv', input))),
    uploadCsv: (input: Parameters<typeof uploadCsv>[1] & ExportScope) =>
      failFast(() => uploadCsv(withBucket(deps, input), checkedInput('uploadCsv', input))),
    verifyCsv: (input: Parameters<typeof verifyCsv>[1] & ExportScope) =>
      failFast(() => verifyCsv(withBucket(deps, input), checkedInput('verifyCsv', input))),
    writeManifest: (input: ManifestInput & ExportScope) =>
      failFast(() => writeManifest(withBucket(deps, input), checkedInput('writeManifest', input, ENDED))),
    /** After a failed run: removes the day's staging objects of the run that staged them (derived, never given). */
    discardStaged: (input: StagedBy & ExportScope): Promise<void> =>
      failFast(() => {
        const { s3, bucket } = withBucket(deps, input);
        return deleteObjects(s3, bucket, stagedObjects(checkedInput('discardStaged', input)));
      }),
  };
}

/** The Temporal client activities use to look at other workflows: the one given, else the worker's own. */
function temporalOf(deps: Services & { temporal?: Client }): Client {
  return deps.temporal ?? Context.current().client;
}

/** The activities of the schedule and of backfills: planning many days at once, batch compute, attaching. */
export function createPlanningActivities(deps: Services & { temporal?: Client }) {
  return {
    planDays: (q: PlanQuery): Promise<DayPlan[]> =>
      failFast(() =>
        withWatchedQuery(deps.clickhouse, (query) =>
          planDays(deps, temporalOf(deps), checkedInput('planDays', q), query),
        ),
      ),
    planScheduledRun: (input: ScheduledPlanInput): Promise<ScheduledPlan> =>
      failFast(() =>
        withWatchedQuery(deps.clickhouse, (query) =>
          planScheduledRun(deps, temporalOf(deps), checkedInput('planScheduledRun', input), query),
        ),
      ),
    computeBatch: (input: BatchInput & ExportScope): Promise<PrecomputedDay[]> =>
      failFast(() => computeBatch(withBucket(deps, input), checkedInput('computeBatch', input, ENDED))),
    awaitExport: (input: AwaitExportInput): Promise<ExportDayResult> =>
      failFast(() => awaitExport(temporalOf(deps), checkedInput('awaitExport', input))),
    removeStaged: (input: { keys: readonly string[] } & ExportScope): Promise<number> =>
      failFast(async () => {
        const { s3, bucket } = withBucket(deps, input);
        await deleteObjects(s3, bucket, checkedStagingKeys(checkedInput('removeStaged', input).keys));
        return input.keys.length;
      }),
  };
}

/**
 * Every activity the worker hosts. `deps.temporal` is optional: without it, activities that look at other
 * workflows use the worker's own client (`Context.current().client`).
 */
export function createActivities(deps: Services & { temporal?: Client; alerts?: AlertTarget }) {
  return { ...createExportActivities(deps), ...createPlanningActivities(deps), ...createAlertActivities(deps) };
}

export type ExportActivities = ReturnType<typeof createExportActivities>;
export type PlanningActivities = ReturnType<typeof createPlanningActivities>;
export type { AlertActivities } from './alerts';
