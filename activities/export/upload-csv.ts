import { CopyObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { log } from '@temporalio/activity';
import type { Services } from '../../lib/services';
import { VerificationError } from '../../lib/errors';
import { CONTENT_TYPES } from '../../lib/file-formats/file-writer';
import { dataKey, formatOfKey, manifestKey } from '../../lib/s3/keys';
import { deleteObject, isNotFound, s3Call } from '../../lib/s3/objects';
import { isPreconditionFailed, publishConflict } from './publish-conflict';
import { checkedCsvStagingKey, type StagedBy } from './staged-keys';
import type { VerifiedCsv } from './verify-csv';

export interface UploadedCsv {
  readonly key: string;
  /** The ETag S3 gave the published object: the manifest step checks the CSV is still this one. */
  readonly etag: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** The object's HEAD (with its stored checksum), or undefined when there is none. */
export async function headIfExists(deps: Services, key: string): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key, ChecksumMode: 'ENABLED' }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    return s3Call(`HEAD ${key}`, () => Promise.reject(err));
  }
}

/**
 * Publishes the verified staged file at the final key of its format (docs/contract.md §5, step 5; §9): one server-side copy, so a reader
 * sees the old file or the new one, never a part. In order:
 * 1. note the ETag of the file now at the final key (or that there is none);
 * 2. remove the old manifest, so no manifest ever describes bytes that are not at the final key;
 * 3. copy exactly the staged version that verified (x-amz-copy-source-if-match), on condition that the final key
 *    still holds what step 1 saw (If-Match, or If-None-Match: * for a first delivery), asking S3 for a SHA-256;
 * 4. check the SHA-256 and size S3 reports for the final key, and that its ETag is the copy's.
 * A refused condition is a non-retryable PublishConflictError; a checksum mismatch a VerificationError.
 */
export async function uploadCsv(deps: Services, input: StagedBy & { verified: VerifiedCsv }): Promise<UploadedCsv> {
  const source = checkedCsvStagingKey(input, input.verified.stagingKey);
  const format = formatOfKey(source, input.date) ?? 'csv';
  const key = dataKey(input.prefix, input.date, format);
  const before = await headIfExists(deps, key);
  await deleteObject(deps.s3, deps.bucket, manifestKey(input.prefix, input.date));
  let etag: string | undefined;
  try {
    const copied = await deps.s3.send(
      new CopyObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        CopySource: `${deps.bucket}/${encodeURI(source)}`,
        CopySourceIfMatch: input.verified.etag,
        ...(before?.ETag ? { IfMatch: before.ETag } : { IfNoneMatch: '*' }),
        ChecksumAlgorithm: 'SHA256',
        MetadataDirective: 'REPLACE',
        ContentType: CONTENT_TYPES[format],
      }),
    );
    etag = copied.CopyObjectResult?.ETag;
  } catch (err) {
    if (isPreconditionFailed(err)) {
      throw publishConflict(
        `copying ${source} (ETag ${input.verified.etag}) to ${key} over ${before?.ETag ?? 'no object'} was refused`,
        err,
      );
    }
    return s3Call(`copy ${source} to ${key}`, () => Promise.reject(err));
  }
  const after = await headIfExists(deps, key);
  if (!after || (etag !== undefined && after.ETag !== etag)) {
    throw publishConflict(`${key} changed right after this run's copy (ETag ${etag} → ${after?.ETag ?? 'gone'})`);
  }
  const expected = Buffer.from(input.verified.sha256, 'hex').toString('base64');
  if (after.ChecksumSHA256 !== expected) {
    throw new VerificationError(
      `S3 reports SHA-256 ${after.ChecksumSHA256 ?? '(none)'} for ${key}, expected ${expected}`,
      key,
    );
  }
  if (after.ContentLength !== input.verified.bytes) {
    throw new VerificationError(
      `S3 holds ${after.ContentLength} bytes at ${key}, expected ${input.verified.bytes}`,
      key,
    );
  }
  const published = { key, etag: after.ETag ?? '', bytes: input.verified.bytes, sha256: input.verified.sha256 };
  log.info('published file', { date: input.date, ...published, replaced: before?.ETag ?? null });
  return published;
}
