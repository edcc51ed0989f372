import assert from 'node:assert/strict';
import { S3_ERROR_RULES, classifyS3Error } from '../../lib/s3/errors';

/** The SDK error's shape: `name` (and `Code`) is the server's error code, `$metadata` carries the HTTP status. */
function sdkError(code: string, status: number | undefined, message: string): Error {
  return Object.assign(new Error(message), {
    name: code,
    ...(status === undefined ? {} : { Code: code, $metadata: { httpStatusCode: status } }),
  });
}

// Written from the S3 and MinIO documentation and from the errors MinIO sent for these requests, not from the table.
const EXPECTED: ReadonlyArray<[code: string, status: number | undefined, retried: boolean, message: string]> = [
  ['AccessDenied', 403, false, 'Access Denied.'],
  ['AllAccessDisabled', 403, false, 'All access to this object has been disabled'],
  ['AuthorizationHeaderMalformed', 400, false, 'The authorization header is malformed'],
  ['InvalidAccessKeyId', 403, false, 'The Access Key Id you provided does not exist in our records.'],
  ['SignatureDoesNotMatch', 403, false, 'The request signature we calculated does not match'],
  ['CredentialsProviderError', undefined, false, 'Could not load credentials from any providers'],
  ['InvalidBucketName', 400, false, 'The specified bucket is not valid.'],
  ['NoSuchBucket', 404, false, 'The specified bucket does not exist'],
  ['PermanentRedirect', 301, false, 'The bucket is in another region'],
  ['InvalidArgument', 400, false, 'Invalid argument'],
  ['NoSuchKey', 404, false, 'The specified key does not exist.'],
  ['KeyTooLongError', 400, false, 'Your key is too long'],
  ['XMinioInvalidObjectName', 400, false, 'Object name contains unsupported characters.'],
  ['XMinioInvalidResourceName', 400, false, 'Resource name contains bad components such as ".." or ".".'],
  ['InvalidObjectName', 400, false, 'Object name is invalid'],
  ['BadDigest', 400, true, 'The Content-MD5 you specified did not match what we received.'],
  ['XAmzContentSHA256Mismatch', 400, true, 'The provided x-amz-content-sha256 header does not match'],
  ['SlowDown', 503, true, 'Please reduce your request rate.'],
  ['RequestTimeout', 400, true, 'Your socket connection to the server was not read from or written to'],
  ['InternalError', 500, true, 'We encountered an internal error. Please try again.'],
  ['ServiceUnavailable', 503, true, 'Please reduce your request rate.'],
  // Not in the table: decided by the HTTP status.
  ['Forbidden', 403, false, 'Forbidden'],
  ['Unauthorized', 401, false, 'Unauthorized'],
  ['NotImplemented', 501, true, 'A header you provided implies functionality that is not implemented'],
  ['TimeoutError', undefined, true, 'Connection timed out after 1000 ms'],
  ['ECONNREFUSED', undefined, true, 'connect ECONNREFUSED 127.0.0.1:9000'],
];

describe('S3 error classification', () => {
  for (const [code, status, retried, message] of EXPECTED) {
    it(`${retried ? 'retries' : 'does not retry'} ${code}${status ? ` (HTTP ${status})` : ''}`, () => {
      const err = classifyS3Error(sdkError(code, status, message), 'GET k');
      assert.equal(err.permanent, !retried);
      assert.equal(err.awsCode, code);
      assert.ok(err.message.startsWith(`S3 GET k failed: ${code}`), err.message);
      assert.ok(err.message.includes(message), 'keeps the server message');
      assert.match(err.message, retried ? /\(retried: .+\)$/ : /\(not retried: .+\)$/);
    });
  }

  it('has an expectation above for every row of the table', () => {
    const tested = new Set(EXPECTED.map(([code]) => code));
    assert.deepEqual(
      [...S3_ERROR_RULES.keys()].filter((code) => !tested.has(code)),
      [],
    );
  });

  it('says why in the message, from the row of the code', () => {
    const err = classifyS3Error(sdkError('NoSuchKey', 404, 'gone'), 'GET k');
    assert.ok(err.message.endsWith(`(not retried: ${S3_ERROR_RULES.get('NoSuchKey')!.why})`), err.message);
  });
});
