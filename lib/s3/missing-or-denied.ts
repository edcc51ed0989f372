import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { S3RequestError } from '../errors';

/**
 * Thrown when S3 refuses (403) to read an object that may simply not exist yet and the credentials may not list the
 * prefix either: without `s3:ListBucket`, S3 answers 403 instead of 404 for a missing key (docs/least-privilege.md).
 */
export class S3ListPermissionError extends S3RequestError {
  override readonly name = 'S3ListPermissionError';
  constructor(
    readonly bucket: string,
    readonly prefix: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(
      `S3 refused to read ${key} (403 AccessDenied), and to list it. Without s3:ListBucket S3 answers 403, not 404, ` +
        `for a key that does not exist yet: grant s3:ListBucket on ${bucket} with prefix ${prefix}/ ` +
        `(and s3:GetObject on ${bucket}/${prefix}/*; see docs/least-privilege.md)`,
      'AccessDenied',
      true,
      options,
    );
  }
}

/** Codes of a 403 that are about the credentials, not the key: never read as "maybe missing". */
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
  'AccountProblem',
  'RequestTimeTooSkewed',
]);

/**
 * An AccessDenied answer: what S3 gives for a missing key without s3:ListBucket. A HEAD has no body, so its 403 comes
 * without a code (name `Forbidden` or `403`); a 403 that names a credential problem is not one.
 */
export function isForbidden(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  if (code !== undefined && CREDENTIAL_CODES.has(code)) return false;
  return code === 'AccessDenied' || (e.$metadata?.httpStatusCode === 403 && (code === 'Forbidden' || code === '403'));
}

/** The folder a key lives in, without the trailing slash: what `s3:prefix` must cover to list it. */
export function keyFolder(key: string): string {
  return key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
}

/**
 * After a 403 on a GET or HEAD of `key`: true when a listing of the key shows it is missing (S3 may answer 403 for a
 * missing key even where listing is allowed, as with an `s3:prefix` condition), false when it exists (the read
 * itself is denied). Throws S3ListPermissionError when the listing is refused too.
 */
export async function missingBehind403(
  s3: S3Client,
  target: { bucket: string; key: string; prefix?: string },
  readError: unknown,
): Promise<boolean> {
  const prefix = target.prefix ?? keyFolder(target.key);
  try {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: target.key, MaxKeys: 1 }));
    return !(list.Contents ?? []).some((o) => o.Key === target.key);
  } catch (err) {
    if (isForbidden(err)) throw new S3ListPermissionError(target.bucket, prefix, target.key, { cause: readError });
    return false;
  }
}
