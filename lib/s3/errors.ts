import { verdict, type ErrorRule } from '../error-rule';
import { S3RequestError } from '../errors';

const CONFIG = 'the settings (credentials, bucket, endpoint) must be fixed first';
const BAD_KEY = 'the key is built from the run input; the same key is refused again';

/**
 * S3 error codes (the SDK error's `Code` or `name`) and whether the activity retries them. A code not listed follows
 * the HTTP status: 401/403 are not retried, anything else (5xx, throttling, network) is.
 */
export const S3_ERROR_RULES: ReadonlyMap<string, ErrorRule> = new Map([
  ['AccessDenied', { what: 'access denied', retry: false, why: 'the policy must grant the action first' }],
  ['AllAccessDisabled', { what: 'all access disabled', retry: false, why: CONFIG }],
  ['AuthorizationHeaderMalformed', { what: 'malformed authorization', retry: false, why: CONFIG }],
  ['InvalidAccessKeyId', { what: 'unknown access key', retry: false, why: CONFIG }],
  ['SignatureDoesNotMatch', { what: 'wrong secret key', retry: false, why: CONFIG }],
  [
    'CredentialsProviderError',
    { what: 'no credentials', retry: false, why: 'no credential source is configured on this worker' },
  ],
  ['InvalidBucketName', { what: 'invalid bucket name', retry: false, why: CONFIG }],
  ['NoSuchBucket', { what: 'bucket does not exist', retry: false, why: CONFIG }],
  ['PermanentRedirect', { what: 'bucket is in another region', retry: false, why: CONFIG }],
  ['InvalidArgument', { what: 'invalid argument', retry: false, why: 'the same request is refused again' }],
  [
    'NoSuchKey',
    {
      what: 'object does not exist',
      retry: false,
      why: 'an object this step reads (a staged file) was never written or was removed; only a new run writes it',
    },
  ],
  ['KeyTooLongError', { what: 'key too long', retry: false, why: BAD_KEY }],
  ['XMinioInvalidObjectName', { what: 'invalid object name', retry: false, why: BAD_KEY }],
  ['XMinioInvalidResourceName', { what: 'invalid object name (. or .. in it)', retry: false, why: BAD_KEY }],
  ['InvalidObjectName', { what: 'invalid object name', retry: false, why: BAD_KEY }],
  [
    'BadDigest',
    { what: 'checksum mismatch', retry: true, why: 'the body was damaged in transit; sent again it can match' },
  ],
  [
    'XAmzContentSHA256Mismatch',
    { what: 'checksum mismatch', retry: true, why: 'the body was damaged in transit; sent again it can match' },
  ],
  ['SlowDown', { what: 'throttled', retry: true, why: 'the server asks to back off' }],
  ['RequestTimeout', { what: 'request timeout', retry: true, why: 'the connection was slow or dropped' }],
  ['InternalError', { what: 'server error', retry: true, why: 'the server fails now, not for this request' }],
  ['ServiceUnavailable', { what: 'service unavailable', retry: true, why: 'the server is restarting or overloaded' }],
]);

/** The rule for an error that has no row of its own, by HTTP status. */
function ruleByStatus(status: number | undefined): ErrorRule {
  if (status === 401 || status === 403) {
    return { what: `HTTP ${status}`, retry: false, why: 'credentials or permissions must be fixed first' };
  }
  return { what: 'request failed', retry: true, why: 'network, 5xx or throttling; the server can recover' };
}

export function classifyS3Error(err: unknown, what: string): S3RequestError {
  if (err instanceof S3RequestError) return err;
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name;
  const status = e.$metadata?.httpStatusCode;
  const rule = (code === undefined ? undefined : S3_ERROR_RULES.get(code)) ?? ruleByStatus(status);
  const detail = [code, status ? `HTTP ${status}` : undefined, e.message].filter(Boolean).join(', ');
  return new S3RequestError(`S3 ${what} failed: ${detail} ${verdict(rule)}`, code, !rule.retry, { cause: err });
}
