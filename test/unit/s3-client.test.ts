import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Settings } from '../../lib/config';
import { createS3 } from '../../lib/s3/client';

const base: S3Settings = {
  S3_BUCKET_NAME: 'agent-metrics',
  S3_FORCE_PATH_STYLE: false,
} as S3Settings;

describe('createS3: the region', function () {
  const saved = { ...process.env };
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), 'aws-config-'));
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE']) delete process.env[name];
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  });
  afterEach(function () {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes AWS_REGION when set', async function () {
    assert.equal(await createS3({ ...base, AWS_REGION: 'eu-central-1' }).config.region(), 'eu-central-1');
  });

  it("takes the profile's region from the shared config file when AWS_REGION is unset", async function () {
    writeFileSync(process.env.AWS_CONFIG_FILE!, '[profile exports]\nregion = ap-southeast-2\n');
    process.env.AWS_PROFILE = 'exports';
    assert.equal(await createS3(base).config.region(), 'ap-southeast-2');
  });

  it('takes AWS_DEFAULT_REGION, which the SDK alone ignores', async function () {
    process.env.AWS_DEFAULT_REGION = 'sa-east-1';
    assert.equal(await createS3(base).config.region(), 'sa-east-1');
  });

  it('signs as us-east-1 for an S3-compatible endpoint that names no region', async function () {
    assert.equal(await createS3({ ...base, S3_ENDPOINT: 'http://127.0.0.1:9000' }).config.region(), 'us-east-1');
  });

  it('follows region redirects (a bucket in another region)', function () {
    assert.equal(createS3({ ...base, AWS_REGION: 'us-east-1' }).config.followRegionRedirects, true);
  });
});
