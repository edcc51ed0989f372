import { S3RequestError } from '../errors';

const PERMANENT_S3_CODES = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'AuthorizationHeaderMalformed',
  'InvalidAccessKeyId',
  'InvalidBucketName',
  'NoSuchBucket',
  'PermanentRedirect',
  'SignatureDoesNotMatch',
  'InvalidArgument',
  'BadDigest',
]);

export function classifyS3Error(err: unknown, what: string): S3RequestError {
  if (err instanceof S3RequestError) return err;
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const permanent = (code !== undefined && PERMANENT_S3_CODES.has(code)) || status === 401 || status === 403;
  const detail = [code, status ? `HTTP ${status}` : undefined, e.message].filter(Boolean).join(', ');
  return new S3RequestError(`S3 ${what} failed: ${detail}`, code, permanent, { cause: err });
}
