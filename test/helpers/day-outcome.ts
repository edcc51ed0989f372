import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { isNotFound } from '../../lib/s3/objects';

/** What S3 holds for one day after a run: the CSV's digest, the manifest's figures and what the run left behind. */
export interface DayOutcome {
  /** SHA-256 (hex) of the object at the final key; undefined when there is none. */
  readonly csvSha256: string | undefined;
  readonly csvBytes: number;
  /** Data rows of the CSV (lines minus the header). */
  readonly csvRows: number;
  readonly manifest: { sha256: string; bytes: number; agentRows: number } | undefined;
  /** Keys still under `<prefix>/_staging/`. */
  readonly staging: readonly string[];
  /** Keys of incomplete multipart uploads under the prefix. */
  readonly multipart: readonly string[];
}

async function readBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await res.Body?.transformToByteArray()) ?? []);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/**
 * Incomplete multipart uploads under `prefix`. MinIO lists uploads only for an exact key or for the whole bucket (a
 * Prefix that is not a full key gives an empty list), so this lists the bucket and filters.
 */
async function listUploads(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, ...markers }));
    for (const u of page.Uploads ?? []) {
      if (u.Key?.startsWith(prefix)) found.push(`${u.Key} (${u.UploadId ?? ''})`);
    }
    if (!page.IsTruncated) return found;
    markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}

/** Reads back what a run of day `date` left under `prefix`. */
export async function dayOutcome(s3: S3Client, bucket: string, prefix: string, date: string): Promise<DayOutcome> {
  const csv = await readBytes(s3, bucket, csvKey(prefix, date));
  const manifestText = await readBytes(s3, bucket, manifestKey(prefix, date));
  const manifest = manifestText
    ? (JSON.parse(manifestText.toString('utf8')) as { csv: { sha256: string; bytes: number }; agentRows: number })
    : undefined;
  let lines = 0;
  for (let i = csv?.indexOf(10) ?? -1; csv && i !== -1; i = csv.indexOf(10, i + 1)) lines += 1;
  return {
    csvSha256: csv && createHash('sha256').update(csv).digest('hex'),
    csvBytes: csv?.length ?? 0,
    csvRows: Math.max(lines - 1, 0),
    manifest: manifest && { ...manifest.csv, agentRows: manifest.agentRows },
    staging: await listKeys(s3, bucket, `${prefix}/_staging/`),
    multipart: await listUploads(s3, bucket, `${prefix}/`),
  };
}

/** Problems with a faulted run's outcome compared with the clean run's (empty when it matches in every respect). */
export function outcomeProblems(got: DayOutcome, clean: DayOutcome): string[] {
  const problems: string[] = [];
  if (got.csvSha256 !== clean.csvSha256) problems.push(`CSV SHA-256 ${got.csvSha256} != clean ${clean.csvSha256}`);
  if (!got.manifest) problems.push('no manifest');
  else {
    if (got.manifest.sha256 !== got.csvSha256) problems.push(`manifest sha256 ${got.manifest.sha256} != CSV's`);
    if (got.manifest.bytes !== got.csvBytes) problems.push(`manifest bytes ${got.manifest.bytes} != ${got.csvBytes}`);
    if (got.manifest.agentRows !== got.csvRows)
      problems.push(`manifest agentRows ${got.manifest.agentRows} != CSV rows ${got.csvRows}`);
  }
  if (got.staging.length > 0) problems.push(`staging objects left: ${got.staging.join(', ')}`);
  if (got.multipart.length > 0) problems.push(`incomplete multipart uploads: ${got.multipart.join(', ')}`);
  return problems;
}

/** The "leftovers" cell of the fault table: staging objects and incomplete multipart uploads. */
export function leftovers(got: DayOutcome): string {
  return got.staging.length + got.multipart.length === 0
    ? 'none'
    : `${got.staging.length} staged, ${got.multipart.length} multipart`;
}
