import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { failFast } from '../../activities/fail-fast';
import { createClickHouse } from '../../lib/clickhouse/client';
import { queryRows } from '../../lib/clickhouse/query';
import { ClickHouseQueryError, S3RequestError } from '../../lib/errors';
import { createS3 } from '../../lib/s3/client';
import { openObject, putText, s3Call } from '../../lib/s3/objects';
import { randomId } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';

/** How an activity body that threw `body`'s error ends: the failure failFast turns it into. */
async function activityFailure(body: () => Promise<unknown>): Promise<unknown> {
  return failFast(body).then(
    () => assert.fail('expected the step to fail'),
    (err: unknown) => err,
  );
}

function assertNonRetryable(err: unknown, type: string, cause: RegExp): void {
  assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
  assert.equal(err.nonRetryable, true, err.message);
  assert.equal(err.type, type);
  assert.match(err.message, cause);
  assert.match(err.message, /\(not retried: .+\)$/);
}

describe('retry classification of real errors from the stack', function () {
  this.timeout(60_000);
  const ctx = stackContext();
  const bucket = ctx.deps.bucket;
  const prefix = randomId('classify');

  after(async () => {
    ctx.s3.destroy();
    await ctx.clickhouse.close();
  });

  const invalidKeys: Array<[string, string, RegExp]> = [
    ['an empty path segment', `${prefix}/a//b.csv`, /XMinioInvalidObjectName/],
    ['a .. segment', `${prefix}/../x.csv`, /XMinioInvalidResourceName/],
    ['more than 1,024 bytes', `${prefix}/${'k'.repeat(1100)}`, /KeyTooLongError/],
  ];
  for (const [what, key, cause] of invalidKeys) {
    it(`fails at once, non-retryable, on an S3 key with ${what}`, async () => {
      const err = await activityFailure(() => putText(ctx.s3, bucket, key, 'x', 'text/plain'));
      assertNonRetryable(err, 'S3RequestError', cause);
    });
  }

  it('fails at once, non-retryable, when a staged object does not exist (NoSuchKey)', async () => {
    const err = await activityFailure(() => openObject(ctx.s3, bucket, `${prefix}/_staging/missing.jsonl`));
    assertNonRetryable(err, 'S3RequestError', /NoSuchKey.*missing\.jsonl|missing\.jsonl.*NoSuchKey/);
  });

  it('fails at once, non-retryable, when the worker has no S3 credentials at all', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      delete process.env[name];
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    const keyless = { ...ctx.config.s3 };
    delete keyless.AWS_ACCESS_KEY_ID;
    delete keyless.AWS_SECRET_ACCESS_KEY;
    const s3 = createS3(keyless);
    try {
      const err = await activityFailure(() => putText(s3, bucket, `${prefix}/x.txt`, 'x', 'text/plain'));
      assertNonRetryable(err, 'S3RequestError', /CredentialsProviderError.*credentials/i);
    } finally {
      s3.destroy();
      process.env = saved;
    }
  });

  it('retries a body the server received damaged (BadDigest)', async () => {
    const wrongMd5 = Buffer.alloc(16).toString('base64');
    const put = new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/d.txt`, Body: 'data', ContentMD5: wrongMd5 });
    const err = await activityFailure(() => s3Call('PUT d.txt', () => ctx.s3.send(put)));
    assert.ok(err instanceof S3RequestError, String(err));
    assert.equal(err.awsCode, 'BadDigest');
    assert.equal(err.permanent, false);
  });

  it('fails at once, non-retryable, when a query exceeds its memory limit (241)', async () => {
    const sql = 'SELECT count() FROM (SELECT number FROM numbers(1000000) GROUP BY number)';
    const err = await activityFailure(() => queryRows(ctx.clickhouse, sql, { settings: { max_memory_usage: '1000' } }));
    assertNonRetryable(
      err,
      'ClickHouseQueryError',
      /query memory limit exceeded: Code: 241.*Memory limit \(for query\)/,
    );
  });

  it('fails at once, non-retryable, when a query exceeds its time limit (159)', async () => {
    const sql = 'SELECT sleepEachRow(0.5) FROM numbers(20) SETTINGS max_block_size = 1';
    const err = await activityFailure(() => queryRows(ctx.clickhouse, sql, { maxExecutionSeconds: 1 }));
    assertNonRetryable(err, 'ClickHouseQueryError', /query time limit exceeded: Code: 159.*Timeout exceeded/);
  });

  it('fails at once, non-retryable, when a result is larger than allowed (396)', async () => {
    const settings = { max_result_rows: '1', result_overflow_mode: 'throw' as const };
    const err = await activityFailure(() => queryRows(ctx.clickhouse, 'SELECT number FROM numbers(10)', { settings }));
    assertNonRetryable(err, 'ClickHouseQueryError', /result too large: Code: 396/);
  });

  it('stops a silent query before the client request timeout, with the limit in the message', async () => {
    const ch = createClickHouse({ ...ctx.config.clickhouse, CLICKHOUSE_REQUEST_TIMEOUT: 3_000 });
    try {
      const sql = 'SELECT sleepEachRow(0.5) FROM numbers(20) SETTINGS max_block_size = 1';
      const err = await activityFailure(() => queryRows(ch, sql));
      assertNonRetryable(err, 'ClickHouseQueryError', /Code: 159.*maximum: 2/);
    } finally {
      await ch.close();
    }
  });

  it('retries a connection the server refuses', async () => {
    const ch = createClickHouse({ ...ctx.config.clickhouse, CLICKHOUSE_PORT: 1 });
    try {
      const err = await activityFailure(() => queryRows(ch, 'SELECT 1'));
      assert.ok(err instanceof ClickHouseQueryError, String(err));
      assert.equal(err.permanent, false);
    } finally {
      await ch.close();
    }
  });
});
