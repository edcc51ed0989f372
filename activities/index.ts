import type { CallStatus } from '../lib/call-status';
import type { DeliveryCheck, WindowStats } from '../lib/export-types';
import { readWindowStats } from './check-data';
import { computeMetrics, type ComputeInput } from './compute-metrics';
import type { ActivityDeps } from './deps';
import { failFast } from './failures';
import { findDelivery, type DeliveryQuery } from './find-delivery';
import { uploadCsv } from './upload-csv';
import { verifyCsv } from './verify-csv';
import { writeCsv } from './write-csv';
import { writeManifest, type ManifestInput } from './write-manifest';
import { Context } from '@temporalio/activity';

export type { ActivityDeps } from './deps';

/** The activities of one day's export, bound to the worker's clients (see STYLE: dependency injection). */
export function createActivities(deps: ActivityDeps) {
  return {
    checkData: (input: { date: string; timezone: string; table: string }): Promise<WindowStats> =>
      failFast(() => readWindowStats(deps, input, Context.current().cancellationSignal)),
    findDelivery: (q: DeliveryQuery): Promise<DeliveryCheck> => failFast(() => findDelivery(deps, q)),
    computeMetrics: (input: ComputeInput) => failFast(() => computeMetrics(deps, input)),
    writeCsv: (input: Parameters<typeof writeCsv>[1]) => failFast(() => writeCsv(deps, input)),
    uploadCsv: (input: Parameters<typeof uploadCsv>[1]) => failFast(() => uploadCsv(deps, input)),
    verifyCsv: (input: Parameters<typeof verifyCsv>[1]) => failFast(() => verifyCsv(deps, input)),
    writeManifest: (input: ManifestInput) => failFast(() => writeManifest(deps, input)),
  };
}

export type ExportActivities = ReturnType<typeof createActivities>;
export type { CallStatus };
