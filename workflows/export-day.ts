import { ApplicationFailure, log, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { ExportActivities } from '../activities';
import type {
  DeliveryCheck,
  ExportDayInput,
  ExportDayResult,
  PrecomputedDay,
  WindowStats,
} from '../common/export-types';
import { exportReason } from '../common/day-state';
import { summarizeManifest } from '../common/manifest';
import { exportDayProblems, validated } from '../common/validate-input';
import { LONG_STEP, QUICK_STEP } from './activity-options';

const quick = proxyActivities<ExportActivities>(QUICK_STEP);
const long = proxyActivities<ExportActivities>(LONG_STEP);

/** Waits durably (server timers) until the day holds at least minRows rows or the wait times out. */
async function waitForData(input: ExportDayInput, first: WindowStats): Promise<WindowStats> {
  let stats = first;
  const polls = Math.floor(input.waitTimeoutMs / Math.max(input.pollIntervalMs, 1_000));
  for (let poll = 0; poll < polls && stats.sourceRows < input.minRows; poll += 1) {
    const note = `waiting for data: ${stats.sourceRows} of ${input.minRows} rows in [${stats.startIso}, ${stats.endIso})`;
    setCurrentDetails(note);
    log.info(note);
    await sleep(input.pollIntervalMs, { summary: `wait for data of ${input.date}` });
    stats = await quick.checkData.executeWithOptions({ summary: `check data ${input.date}` }, [
      { date: input.date, timezone: input.timezone, table: input.table },
    ]);
  }
  return stats;
}

/** Check data (waiting durably for it) and find what is delivered: the first steps of a day computed alone. */
async function checkAndFind(
  input: ExportDayInput,
): Promise<{ stats: WindowStats; empty: boolean; delivery: DeliveryCheck }> {
  const { date } = input;
  const first = await quick.checkData.executeWithOptions({ summary: `check data ${date}` }, [
    { date, timezone: input.timezone, table: input.table },
  ]);
  const stats = await waitForData(input, first);
  const empty = stats.sourceRows < input.minRows;
  if (empty && input.onEmpty === 'fail') {
    throw ApplicationFailure.nonRetryable(
      `no data for ${date}: ${stats.sourceRows} rows (fewer than MIN_ROWS=${input.minRows}) in ` +
        `[${stats.startIso}, ${stats.endIso}) after waiting ${Math.round(input.waitTimeoutMs / 60_000)} min`,
      'NoDataError',
    );
  }
  return { stats, empty, delivery: await find(input, stats.fingerprint) };
}

function find(input: ExportDayInput, fingerprint: string): Promise<DeliveryCheck> {
  const { date } = input;
  return quick.findDelivery.executeWithOptions({ summary: `find delivery ${date}` }, [
    { date, prefix: input.prefix, timezone: input.timezone, statuses: input.statuses, fingerprint },
  ]);
}

/** A backfill computed the day in a batch with enough rows: no check, no wait, no compute (docs/contract.md §5, steps 3–5). */
function usablePrecomputed(input: ExportDayInput): PrecomputedDay | undefined {
  const p = input.precomputed;
  return p && p.stats.date === input.date && p.stats.sourceRows >= input.minRows ? p : undefined;
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
    },
  ]);
  setCurrentDetails(`computed ${computed.agentRows} agents from ${computed.sourceRows} rows`);
  const staged = await long.writeCsv.executeWithOptions({ summary: `write CSV ${date}` }, [
    { date, prefix: input.prefix, metricsKey: computed.metricsKey },
  ]);
  return { computed, staged, stagedKeys: [computed.metricsKey, staged.stagingKey] };
}

/**
 * One day's export (workflow id `agent-metrics-D`): check data, compute, write, upload, verify, manifest.
 * Payloads carry keys, counts and checksums only; the dataset stays in ClickHouse and S3. A backfill may hand over
 * the day already computed and written (`input.precomputed`); the run then starts at "upload".
 */
export async function exportDay(raw: ExportDayInput): Promise<ExportDayResult> {
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
  const { computed, staged, stagedKeys } = precomputed
    ? { ...precomputed, staged: precomputed.written, stagedKeys: [precomputed.written.stagingKey] }
    : await computeAndWrite(input, stats, empty);
  const uploaded = await quick.uploadCsv.executeWithOptions({ summary: `upload ${date}` }, [
    { date, prefix: input.prefix, staged },
  ]);
  const verified = await long.verifyCsv.executeWithOptions({ summary: `verify ${date}` }, [
    { key: uploaded.key, bytes: uploaded.bytes, sha256: uploaded.sha256, rows: staged.rows },
  ]);
  const manifest = await quick.writeManifest.executeWithOptions({ summary: `write manifest ${date}` }, [
    {
      prefix: input.prefix,
      date,
      timezone: input.timezone,
      window: { start: stats.startIso, end: stats.endIso, hours: stats.hours },
      includedStatuses: input.statuses,
      agentRows: computed.agentRows,
      includedCalls: computed.includedCalls,
      sourceRows: computed.sourceRows,
      leftOut: computed.leftOut,
      ...(empty ? { emptyReason: `fewer than MIN_ROWS=${input.minRows} rows after waiting; ON_EMPTY=publish` } : {}),
      sourceFingerprint: computed.fingerprint,
      csv: { key: verified.key, bytes: verified.bytes, sha256: verified.sha256 },
      staged: stagedKeys,
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
