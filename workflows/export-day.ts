import {
  ApplicationFailure,
  CancellationScope,
  log,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ExportActivities } from '../activities';
import {
  exportScope,
  type DeliveryCheck,
  type ExportDayInput,
  type ExportDayResult,
  type PrecomputedDay,
  type WindowStats,
} from '../common/export-types';
import { judgeDataQuality } from '../common/data-quality';
import { exportReason } from '../common/day-state';
import { summarizeManifest } from '../common/manifest';
import { exportDayProblems, validated } from '../common/validate-input';
import { LOCAL_QUICK_STEP, LONG_STEP, SCAN_STEP } from './activity-options';
import { withAlerts } from './alert-hook';
import { proxySteps } from './step-queue';

const quick = proxyLocalActivities<ExportActivities>(LOCAL_QUICK_STEP);
// A backfill's day sends them to the backfill task queue (workflows/step-queue.ts).
const long = proxySteps<ExportActivities>(LONG_STEP);
const scan = proxySteps<ExportActivities>(SCAN_STEP);

/**
 * Waits durably (server timers) until the day holds at least minRows rows or its data can no longer be expected:
 * the wait ends DATA_WAIT_TIMEOUT after the day's window ends (or after the run starts, if that is earlier), so the
 * scheduled run of yesterday waits for late rows while a backfill of a day that ended long ago decides at once
 * (docs/contract.md §5, step 1).
 */
async function waitForData(input: ExportDayInput, first: WindowStats): Promise<WindowStats> {
  let stats = first;
  const deadline = Math.min(Date.now(), Date.parse(first.endIso)) + input.waitTimeoutMs;
  const interval = Math.max(input.pollIntervalMs, 1_000);
  while (stats.sourceRows < input.minRows && Date.now() < deadline) {
    const note = `waiting for data: ${stats.sourceRows} of ${input.minRows} rows in [${stats.startIso}, ${stats.endIso})`;
    setCurrentDetails(note);
    log.info(note);
    await sleep(Math.min(interval, deadline - Date.now()), { summary: `wait for data of ${input.date}` });
    stats = await scan.checkData.executeWithOptions({ summary: `check data ${input.date}` }, [
      { date: input.date, timezone: input.timezone, table: input.table, ...exportScope(input) },
    ]);
  }
  return stats;
}

/** Check data (waiting durably for it) and find what is delivered: the first steps of a day computed alone. */
async function checkAndFind(
  input: ExportDayInput,
): Promise<{ stats: WindowStats; empty: boolean; delivery: DeliveryCheck }> {
  const { date } = input;
  const first = await scan.checkData.executeWithOptions({ summary: `check data ${date}` }, [
    { date, timezone: input.timezone, table: input.table, ...exportScope(input) },
  ]);
  const waitStarted = Date.now();
  const stats = await waitForData(input, first);
  const empty = stats.sourceRows < input.minRows;
  if (empty && input.onEmpty === 'fail') {
    const waited = Math.round((Date.now() - waitStarted) / 60_000);
    const until = `until DATA_WAIT_TIMEOUT=${Math.round(input.waitTimeoutMs / 60_000)} min after the day's end`;
    throw ApplicationFailure.nonRetryable(
      `no data for ${date}: ${stats.sourceRows} rows (fewer than MIN_ROWS=${input.minRows}) in ` +
        `[${stats.startIso}, ${stats.endIso}) after waiting ${waited} min (${until})`,
      'NoDataError',
    );
  }
  return { stats, empty, delivery: await find(input, stats.fingerprint) };
}

function find(input: ExportDayInput, fingerprint: string): Promise<DeliveryCheck> {
  const { date } = input;
  return quick.findDelivery.executeWithOptions({ summary: `find delivery ${date}` }, [
    {
      date,
      prefix: input.prefix,
      timezone: input.timezone,
      statuses: input.statuses,
      fingerprint,
      table: input.table,
      ...(input.format ? { format: input.format } : {}),
      ...(input.columns ? { columns: input.columns } : {}),
      ...exportScope(input),
    },
  ]);
}

/** A backfill computed the day in a batch with enough rows: no check, no wait, no compute (docs/contract.md §5, steps 3–5). */
function usablePrecomputed(input: ExportDayInput): PrecomputedDay | undefined {
  const p = input.precomputed;
  return p && p.stats.date === input.date && p.stats.sourceRows >= input.minRows ? p : undefined;
}

/** What the steps call the day's file in the Web UI: "CSV" as ever, or the format's name (docs/contract.md §9). */
function fileLabel(input: ExportDayInput): string {
  return !input.format || input.format === 'csv' ? 'CSV' : `${input.format} file`;
}

/** Compute in ClickHouse, then write the CSV: steps 2 and 3 of a day computed alone. */
async function computeAndWrite(input: ExportDayInput, stats: WindowStats, empty: boolean) {
  const { date } = input;
  const computed = await long.computeMetrics.executeWithOptions({ summary: `compute ${date}` }, [
    {
      date,
      timezone: input.timezone,
      table: input.table,
      prefix: input.prefix,
      statuses: input.statuses,
      empty,
      stats,
      ...(input.columns?.length ? { columns: input.columns } : {}),
      ...exportScope(input),
    },
  ]);
  setCurrentDetails(`computed ${computed.agentRows} agents from ${computed.sourceRows} rows`);
  const format = input.format ?? 'csv';
  const staged = await long.writeCsv.executeWithOptions({ summary: `write ${fileLabel(input)} ${date}` }, [
    {
      date,
      prefix: input.prefix,
      metricsKey: computed.metricsKey,
      format,
      ...(input.columns ? { columns: input.columns } : {}),
      ...exportScope(input),
    },
  ]);
  return { computed, staged };
}

/**
 * The run whose staging objects this run verifies, publishes and removes: its own, or, for a day a backfill computed
 * in a batch, the backfill run that started it (its parent). Taken from the server's record of the run, never from
 * the input: the steps accept no other staging key (activities/export/staged-keys.ts).
 */
function stagingRun(precomputed: PrecomputedDay | undefined): string {
  const info = workflowInfo();
  return (precomputed ? info.parent?.runId : undefined) ?? info.runId;
}

type StagedWhere = {
  readonly date: string;
  readonly prefix: string;
  readonly stagedBy: string;
  readonly bucket?: string;
};

/** Steps 2–5 for a day that needs exporting: compute and write (unless precomputed), verify, publish, manifest. */
async function stageAndPublish(
  input: ExportDayInput,
  where: StagedWhere,
  precomputed: PrecomputedDay | undefined,
  stats: WindowStats,
  empty: boolean,
  delivery: DeliveryCheck,
) {
  const { date } = input;
  const { computed, staged } = precomputed
    ? { ...precomputed, staged: precomputed.written }
    : await computeAndWrite(input, stats, empty);
  const dataQuality = judgeDataQuality(input, computed);
  // A day a backfill computed has only verify, upload and manifest left: with verify local too, the whole run is one
  // workflow task and no activity task (a backfill runs dozens of these at once on the same worker and server). A
  // run started by an earlier version verified with an activity and replays that way (patched).
  const verify = precomputed && patched('backfilled-day-local-verify') ? quick.verifyCsv : long.verifyCsv;
  const verified = await verify.executeWithOptions({ summary: `verify staged ${fileLabel(input)} ${date}` }, [
    { ...where, staged },
  ]);
  const uploaded = await quick.uploadCsv.executeWithOptions({ summary: `upload ${date}` }, [{ ...where, verified }]);
  return quick.writeManifest.executeWithOptions({ summary: `write manifest ${date}` }, [
    {
      ...where,
      export: input.exportName,
      ...exportScope(input),
      timezone: input.timezone,
      window: { start: stats.startIso, end: stats.endIso, hours: stats.hours },
      includedStatuses: input.statuses,
      agentRows: computed.agentRows,
      includedCalls: computed.includedCalls,
      sourceRows: computed.sourceRows,
      leftOut: computed.leftOut,
      ...(empty ? { emptyReason: `fewer than MIN_ROWS=${input.minRows} rows after waiting; ON_EMPTY=publish` } : {}),
      sourceFingerprint: computed.fingerprint,
      csv: { key: uploaded.key, bytes: uploaded.bytes, sha256: uploaded.sha256 },
      csvEtag: uploaded.etag,
      format: input.format ?? 'csv',
      ...(input.columns?.length ? { columns: input.columns } : {}),
      dataQuality,
      reason: exportReason(input.trigger, delivery.state),
      ...(delivery.manifest
        ? {
            replaces: {
              generatedAt: delivery.manifest.generatedAt,
              sha256: delivery.manifest.sha256,
              sourceFingerprint: delivery.manifest.sourceFingerprint,
            },
          }
        : {}),
    },
  ]);
}

/**
 * Runs `work`; when it fails (or the run is cancelled) the run's staging objects for the day are removed before the
 * failure goes on, so a failed run leaves nothing behind in `<prefix>/_staging/`. The final key is untouched either
 * way (it changes only in "upload", after the staged bytes verified).
 */
async function discardStagedOnFailure<T>(where: StagedWhere, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await CancellationScope.nonCancellable(() =>
      quick.discardStaged.executeWithOptions({ summary: `discard staged files of ${where.date}` }, [where]),
    ).catch((cleanup: unknown) => log.warn('could not remove the staged files', { ...where, error: String(cleanup) }));
    throw err;
  }
}

/**
 * One day's export (workflow id `agent-metrics-D`): check data, compute, write, verify the staged file, upload
 * (publish it at the final key) and write the manifest. Nothing at the final key changes before the staged bytes
 * verified. Payloads carry keys, counts and checksums only; the dataset stays in ClickHouse and S3. A backfill may
 * hand over the day already computed and written (`input.precomputed`); the run then starts at "verify".
 */
export async function exportDay(raw: ExportDayInput): Promise<ExportDayResult> {
  return withAlerts(raw, () => exportOneDay(raw));
}

async function exportOneDay(raw: ExportDayInput): Promise<ExportDayResult> {
  const input = validated<ExportDayInput>('exportDay', raw, exportDayProblems);
  const { date } = input;
  const precomputed = usablePrecomputed(input);
  const { stats, empty, delivery } = precomputed
    ? {
        stats: precomputed.stats,
        empty: false,
        delivery: precomputed.delivery ?? (await find(input, precomputed.stats.fingerprint)),
      }
    : await checkAndFind(input);
  if (delivery.state === 'verified' && !input.force && delivery.manifest) {
    setCurrentDetails(`up to date: delivered ${delivery.manifest.generatedAt}`);
    return {
      date,
      result: 'up-to-date',
      uri: delivery.manifest.csvUri,
      manifestUri: delivery.manifest.manifestUri,
      agentRows: delivery.manifest.agentRows,
      sourceRows: delivery.manifest.sourceRows,
      bytes: delivery.manifest.bytes,
      sha256: delivery.manifest.sha256,
      fingerprint: delivery.manifest.sourceFingerprint,
      generatedAt: delivery.manifest.generatedAt,
    };
  }
  const where = {
    date,
    prefix: input.prefix,
    stagedBy: stagingRun(precomputed),
    ...(input.bucket !== undefined ? { bucket: input.bucket } : {}),
  };
  const manifest = await discardStagedOnFailure(where, () =>
    stageAndPublish(input, where, precomputed, stats, empty, delivery),
  );
  setCurrentDetails(`exported ${manifest.agentRows} agents to s3://${manifest.csv.bucket}/${manifest.csv.key}`);
  log.info('exported', {
    date,
    agents: manifest.agentRows,
    key: manifest.csv.key,
    workflowId: workflowInfo().workflowId,
  });
  return {
    date,
    result: 'exported',
    uri: summarizeManifest(manifest).csvUri,
    manifestUri: summarizeManifest(manifest).manifestUri,
    agentRows: manifest.agentRows,
    sourceRows: manifest.sourceRows,
    bytes: manifest.csv.bytes,
    sha256: manifest.csv.sha256,
    fingerprint: manifest.sourceFingerprint,
    generatedAt: manifest.generatedAt,
  };
}
