import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { isNotFound } from '../../lib/s3/objects';
import { randomId } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';
import { REPO_ROOT } from '../helpers/stack';

describe('streamToObject on the real S3 server', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  after(() => ctx.clickhouse.close());

  /** Runs test/fixtures/rejected-part-upload.ts in its own process, so a crash shows as its exit code. */
  function uploadWithRejectedParts(key: string, code: string) {
    const child = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register', path.join(REPO_ROOT, 'test', 'fixtures', 'rejected-part-upload.ts'), key, code],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          TS_NODE_TRANSPILE_ONLY: 'true',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
    );
    assert.equal(
      child.status,
      0,
      `the process lives on (exit ${child.status}, signal ${child.signal}): ${child.stderr}`,
    );
    const lines = child.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as {
      outcome: string;
      name?: string;
      message?: string;
      permanent?: boolean;
    };
  }

  async function leftovers(key: string) {
    const res = await ctx.s3.send(new ListMultipartUploadsCommand({ Bucket: ctx.deps.bucket, Prefix: key }));
    return (res.Uploads ?? []).map((u) => u.Key);
  }

  const cases: Array<[string, boolean]> = [
    ['AccessDenied', true],
    ['InternalError', false],
  ];
  for (const [code, permanent] of cases) {
    it(`turns a rejected part (${code}) into the caller's classified error and aborts the multipart upload`, async () => {
      const key = `${randomId('test')}/big.txt`;
      const result = uploadWithRejectedParts(key, code);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.name, 'S3RequestError');
      assert.equal(result.permanent, permanent);
      assert.match(result.message ?? '', new RegExp(`upload ${key} failed: ${code}`));
      assert.deepEqual(await leftovers(key), [], 'no incomplete multipart upload is left');
      await assert.rejects(ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.deps.bucket, Key: key })), (err: unknown) =>
        isNotFound(err),
      );
    });
  }
});
