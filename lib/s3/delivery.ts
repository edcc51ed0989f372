import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { CallStatus } from '../../common/call-status';
import type { DeliveryCheck } from '../../common/export-types';
import { parseManifest, summarizeManifest } from '../../common/manifest';
import type { MetricColumn } from '../../common/metric-columns';
import type { OutputFormat } from '../../common/output-format';
import { dataKey, manifestKey } from './keys';
import type { Services } from '../services';
import { isForbidden, missingBehind403 } from './missing-or-denied';
import { isNotFound, readTextIfExists, s3Call } from './objects';
import { isLegacyFingerprint } from '../clickhouse/window-stats';

export interface DeliveryQuery {
  readonly date: string;
  readonly prefix: string;
  readonly timezone: string;
  readonly statuses: readonly CallStatus[];
  /** The day's current source fingerprint; when omitted the fingerprint is not compared. */
  readonly fingerprint?: string;
  /** The day's current source rows, read with the fingerprint: tells a source that shrank from one that changed. */
  readonly sourceRows?: number;
  /** The format and optional columns asked for (docs/contract.md §9); absent: the CSV of the five columns. */
  readonly format?: OutputFormat;
  readonly columns?: readonly MetricColumn[];
}

/**
 * The day's fingerprint taken with the row hash of earlier releases (window-stats.ts, isLegacyFingerprint): asked for
 * only when the manifest was written by such a release, so that its fingerprint is compared like with like.
 */
export type LegacyFingerprint = () => Promise<string | undefined>;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * What is delivered for a day: 'verified' when the manifest exists, the CSV's stored size and SHA-256 match it and
 * the source is unchanged; 'stale' when the source or the export parameters changed since (`shrank` when the source
 * now holds fewer rows than the file was computed from); 'failed' when the CSV does not match its manifest;
 * 'missing' when there is no manifest. A manifest of an earlier release holds a fingerprint of its row hash: it is
 * compared with `legacyFingerprint()`, the day's fingerprint by that hash (without one, the day shows as changed).
 */
export async function findDelivery(
  deps: Services,
  q: DeliveryQuery,
  legacyFingerprint?: LegacyFingerprint,
): Promise<DeliveryCheck> {
  const text = await readTextIfExists(deps.s3, deps.bucket, manifestKey(q.prefix, q.date), q.prefix);
  if (text === undefined) return { state: 'missing', detail: 'no manifest' };
  let manifest;
  try {
    manifest = parseManifest(text);
  } catch (err) {
    return { state: 'failed', detail: `unreadable manifest: ${(err as Error).message}` };
  }
  const summary = summarizeManifest(manifest);
  const key = dataKey(q.prefix, q.date, manifest.format ?? 'csv');
  let head;
  try {
    head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key, ChecksumMode: 'ENABLED' }));
  } catch (err) {
    const missing =
      isNotFound(err) ||
      (isForbidden(err) && (await missingBehind403(deps.s3, { bucket: deps.bucket, key, prefix: q.prefix }, err)));
    if (missing) return { state: 'failed', detail: 'the manifest exists but the CSV does not', manifest: summary };
    return s3Call(`HEAD ${key}`, () => Promise.reject(err));
  }
  const sha = Buffer.from(manifest.csv.sha256, 'hex').toString('base64');
  if (head.ContentLength !== manifest.csv.bytes || (head.ChecksumSHA256 !== undefined && head.ChecksumSHA256 !== sha)) {
    return { state: 'failed', detail: 'the CSV does not match its manifest (size or SHA-256)', manifest: summary };
  }
  if (head.ChecksumSHA256 === undefined) {
    return { state: 'failed', detail: 'the CSV carries no SHA-256 checksum', manifest: summary };
  }
  if (manifest.timezone !== q.timezone || manifest.includedStatuses.join(',') !== q.statuses.join(',')) {
    return { state: 'stale', detail: 'exported with other settings (time zone or statuses)', manifest: summary };
  }
  if (
    (manifest.format ?? 'csv') !== (q.format ?? 'csv') ||
    (manifest.columns ?? []).join(',') !== (q.columns ?? []).join(',')
  ) {
    return { state: 'stale', detail: 'exported with other settings (format or columns)', manifest: summary };
  }
  if (q.fingerprint !== undefined && manifest.sourceFingerprint !== q.fingerprint) {
    if (q.sourceRows !== undefined && q.sourceRows < manifest.sourceRows) {
      return {
        state: 'stale',
        detail: `source shrank: ${count(manifest.sourceRows)} → ${count(q.sourceRows)} rows since the export`,
        manifest: summary,
        shrank: { exported: manifest.sourceRows, now: q.sourceRows },
      };
    }
    const legacy =
      isLegacyFingerprint(manifest.sourceFingerprint) && !isLegacyFingerprint(q.fingerprint)
        ? await legacyFingerprint?.()
        : undefined;
    if (legacy !== manifest.sourceFingerprint) {
      return { state: 'stale', detail: 'the source rows changed since the export', manifest: summary };
    }
  }
  const warning = summary.dqWarning ? `; data-quality warning: ${summary.dqWarning}` : '';
  return { state: 'verified', detail: `delivered, verified and unchanged${warning}`, manifest: summary };
}
