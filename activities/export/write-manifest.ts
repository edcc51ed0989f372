import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { parseManifest, type Manifest } from '../../common/manifest';
import { VerificationError } from '../../lib/errors';
import { formatOfKey, manifestKey } from '../../lib/s3/keys';
import { deleteObjects, readTextIfExists, s3Call } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { PRODUCT_VERSION } from '../../lib/version';
import { currentRun } from '../run-info';
import { isPreconditionFailed, publishConflict } from './publish-conflict';
import { checkedCsvKey, stagedObjects, type StagedBy } from './staged-keys';
import { headIfExists } from './upload-csv';

export type ManifestInput = Omit<Manifest, 'manifestVersion' | 'generatedAt' | 'workflow' | 'productVersion' | 'csv'> &
  StagedBy & {
    readonly csv: { readonly key: string; readonly bytes: number; readonly sha256: string };
    /** The ETag uploadCsv saw on the published CSV: the manifest is written only while the CSV is still that one. */
    readonly csvEtag: string;
  };

/**
 * Writes `_manifest.json` once the published CSV verified (docs/contract.md §4), then removes the run's staging
 * objects (derived from `stagedBy`, never taken from the input). The manifest is put with If-None-Match: * (uploadCsv
 * removed the old one), and only while the final CSV still carries the ETag the upload saw; should another writer
 * get in between, the step ends with a PublishConflictError and takes its own manifest back.
 */
export async function writeManifest(deps: Services, input: ManifestInput): Promise<Manifest> {
  const run = currentRun();
  const { prefix, csvEtag, ...fields } = manifestFields(input);
  const csv = checkedCsvKey(input, input.csv.key);
  const format = formatOfKey(csv, input.date) ?? 'csv';
  if ((input.format ?? 'csv') !== format) {
    throw new VerificationError(`${csv} is a ${format} file; the manifest says ${input.format ?? 'csv'}`, csv);
  }
  const key = manifestKey(prefix, input.date);
  const toRemove = stagedObjects(input);
  const manifest: Manifest = {
    manifestVersion: 1,
    ...fields,
    csv: { bucket: deps.bucket, ...input.csv },
    format,
    generatedAt: new Date().toISOString(),
    workflow: { id: run.workflowId, runId: run.runId },
    productVersion: PRODUCT_VERSION,
  };
  await expectCsv(deps, csv, csvEtag);
  const body = JSON.stringify(manifest, null, 2) + '\n';
  let written: Manifest = manifest;
  let etag: string | undefined;
  try {
    const put = await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        IfNoneMatch: '*',
      }),
    );
    etag = put.ETag;
  } catch (err) {
    if (!isPreconditionFailed(err)) return s3Call(`PUT ${key}`, () => Promise.reject(err));
    // A retry of this step finds the manifest its first attempt wrote: that is success, not a conflict.
    const existing = await ownManifest(deps, key, run.runId, input.csv.sha256);
    if (!existing) throw publishConflict(`${key} appeared while this run published day ${input.date}`, err);
    written = existing;
  }
  try {
    await expectCsv(deps, csv, csvEtag);
  } catch (conflict) {
    if (etag) {
      // If-Match keeps another writer's manifest safe where the server honours it (AWS S3; this MinIO ignores it).
      await s3Call(`DELETE ${key}`, () =>
        deps.s3.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key: key, IfMatch: etag })),
      ).catch(() => undefined);
    }
    throw conflict;
  }
  await deleteObjects(deps.s3, deps.bucket, toRemove);
  return written;
}

/** The input without what is not recorded in the manifest (which run staged the files, the export's bucket). */
function manifestFields(input: ManifestInput) {
  const fields: { -readonly [K in keyof ManifestInput]?: ManifestInput[K] } = { ...input };
  delete fields.stagedBy;
  // The bucket an export names is recorded as csv.bucket (the bucket the step wrote to), not twice.
  delete (fields as { bucket?: string }).bucket;
  return fields as Omit<ManifestInput, 'stagedBy'>;
}

async function expectCsv(deps: Services, key: string, etag: string): Promise<void> {
  const head = await headIfExists(deps, key);
  if (head?.ETag !== etag) {
    throw publishConflict(`${key} is no longer the file this run published (ETag ${etag} → ${head?.ETag ?? 'gone'})`);
  }
}

async function ownManifest(deps: Services, key: string, runId: string, sha256: string): Promise<Manifest | undefined> {
  const text = await readTextIfExists(deps.s3, deps.bucket, key);
  if (text === undefined) return undefined;
  try {
    const m = parseManifest(text);
    return m.workflow.runId === runId && m.csv.sha256 === sha256 ? m : undefined;
  } catch {
    return undefined;
  }
}
