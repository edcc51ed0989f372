import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startExportDay } from '../../client/start-export';
import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import { addDays } from '../../common/calendar';
import { dayWindow } from '../../lib/days/day-window';
import { createS3 } from '../../lib/s3/client';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { S3ListPermissionError } from '../../lib/s3/missing-or-denied';
import { isNotFound, readTextIfExists } from '../../lib/s3/objects';
import { ensureBuilt } from '../helpers/build';
import { runCli } from '../helpers/cli-process';
import { testInput } from '../helpers/export-input';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomId, randomPastDay } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { installQuietRuntime } from '../helpers/runtime';
import { startWorker } from '../helpers/test-worker';
import { spawnWorker } from '../helpers/worker-process';

function dayRows(date: string, calls: number): CallRow[] {
  const w = dayWindow(date, 'UTC');
  const agents = [randomUUID(), randomUUID(), randomUUID()];
  return Array.from({ length: calls }, (_, i) => ({
    agentId: agents[i % 3]!,
    start: w.startEpoch + ((i * 7_919) % 86_400),
    duration: (i * 31) % 900,
  }));
}

/** The product's credentials swapped for the stack's least-privilege users (scripts/stack/least-privilege.sh). */
function leastPrivilege(env: NodeJS.ProcessEnv, s3User: 'LP' | 'LP_NOLIST'): NodeJS.ProcessEnv {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is missing from .stack/stack.env: run 'npm run stack:up' again`);
    return value;
  };
  return {
    ...env,
    CLICKHOUSE_USER: need('LP_CLICKHOUSE_USER'),
    CLICKHOUSE_PASSWORD: need('LP_CLICKHOUSE_PASSWORD'),
    AWS_ACCESS_KEY_ID: need(`${s3User}_AWS_ACCESS_KEY_ID`),
    AWS_SECRET_ACCESS_KEY: need(`${s3User}_AWS_SECRET_ACCESS_KEY`),
  };
}

function s3For(env: NodeJS.ProcessEnv): S3Client {
  return createS3(loadConfig(['s3'], env).s3);
}

function accessDenied(): S3ServiceException {
  return new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'Access Denied',
  });
}

/**
 * AWS S3 answers a GET or HEAD of a missing key with 404 only when the credentials may list it (s3:ListBucket), and
 * with 403 otherwise. MinIO applies that rule to anonymous requests only, so the test adds it to the client: the
 * real server decides, through a listing of the key with the same credentials, whether listing is allowed.
 */
function followAwsMissingKeyRule(s3: S3Client): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (!isNotFound(err) || !['GetObjectCommand', 'HeadObjectCommand'].includes(context.commandName ?? '')) {
          throw err;
        }
        const { Bucket, Key } = args.input as { Bucket: string; Key: string };
        const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: Key, MaxKeys: 1 })).then(
          () => true,
          () => false,
        );
        throw listed ? err : accessDenied();
      }
    },
    { step: 'initialize', name: 'awsMissingKeyRule' },
  );
}

describe('the product under least-privilege users (S3 policy on the prefix, read-only ClickHouse)', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const bucket = ctx.deps.bucket;
  let table: string;
  let prefix: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
    // The policy covers the stack's S3_PREFIX; each run works in its own folder below it.
    prefix = `${ctx.config.export.S3_PREFIX}/${randomId('lp')}`;
    env = {
      ...leastPrivilege(ctx.env, 'LP'),
      CLICKHOUSE_TABLE: table,
      S3_PREFIX: prefix,
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
      EXPORT_TIMEZONE: 'UTC',
      DATA_WAIT_TIMEOUT: '2s',
      DATA_POLL_INTERVAL: '1s',
    };
  });

  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  it('exports a new day, re-exports it, backfills and reports status', async () => {
    const date = randomPastDay();
    const range = [addDays(date, 1), addDays(date, 2)] as const;
    await insertCalls(
      ctx.clickhouse,
      database,
      table,
      [date, ...range].flatMap((d) => dayRows(d, 30)),
    );
    const worker = await spawnWorker(env);
    try {
      const first = await runCli('export', ['--date', date], env, { build: 'compiled' });
      assert.equal(first.code, 0, first.stderr + worker.output());
      assert.match(first.stdout, /exported 3 agent rows from 30 source rows/);
      const again = await runCli('export', ['--date', date, '--force'], env, { build: 'compiled' });
      assert.equal(again.code, 0, again.stderr + worker.output());
      assert.match(again.stdout, /exported 3 agent rows/);
      const backfill = await runCli('backfill', ['--from', range[0], '--to', range[1]], {
        ...env,
        BACKFILL_QUERY_THREADS: '1',
      });
      assert.equal(backfill.code, 0, backfill.stderr + backfill.stdout + worker.output());
      assert.match(backfill.stdout, /2 days: 2 exported and verified/);
      // A readonly=1 user gets no per-query settings (the profile holds them), so the batch query runs.
      const fallback = worker
        .output()
        .split('\n')
        .find((line) => line.includes('batch compute failed'));
      assert.equal(fallback, undefined);
      const status = await runCli('status', ['--from', date, '--to', range[1], '--json'], env);
      assert.equal(status.code, 0, status.stderr);
      const states = (JSON.parse(status.stdout) as Array<{ state: string }>).map((r) => r.state);
      assert.deepEqual(states, ['verified', 'verified', 'verified']);
      for (const d of [date, ...range]) {
        assert.match(await readObject(ctx.s3, bucket, csvKey(prefix, d)), /^agent_id,/, d);
      }
    } finally {
      assert.equal(await worker.stop(), 0);
    }
  });

  it('is refused outside the prefix in S3 and for anything but reading in ClickHouse', async () => {
    const s3 = s3For(env);
    const elsewhere = randomId('elsewhere');
    try {
      const refused = [
        () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${elsewhere}/x.csv`, Body: 'x' })),
        () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${elsewhere}/x.csv` })),
        () => s3.send(new ListObjectsV2Command({ Bucket: bucket })),
      ];
      for (const call of refused) await assert.rejects(call, { name: 'AccessDenied' });
    } finally {
      s3.destroy();
    }
    const ch = createClickHouse(loadConfig(['clickhouse'], env).clickhouse);
    try {
      const refused: Array<[string, RegExp]> = [
        [`INSERT INTO ${database}.${table} (agent_id) VALUES (generateUUIDv4())`, /readonly mode/],
        [`CREATE TABLE ${database}.${randomId('t')} (a UInt8) ENGINE = Memory`, /readonly mode/],
        ['SELECT count() FROM default.anything', /Access denied to database default/],
        ["SELECT count() FROM remote('127.0.0.1:9000', system.one, 'default', '')", /Table functions are forbidden/],
      ];
      for (const [query, message] of refused) await assert.rejects(ch.command({ query }), message, query);
    } finally {
      await ch.close();
    }
    const worker = await spawnWorker(env);
    try {
      const date = randomPastDay();
      await insertCalls(ctx.clickhouse, database, table, dayRows(date, 6));
      const outside = await runCli('export', ['--date', date], { ...env, S3_PREFIX: elsewhere }, { build: 'compiled' });
      assert.equal(outside.code, 1, outside.stdout);
      assert.match(outside.stderr, /AccessDenied/);
      const written = await ctx.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${elsewhere}/` }));
      assert.equal(written.KeyCount, 0, 'nothing was written outside the prefix');
    } finally {
      await worker.stop();
    }
  });

  describe('under the AWS S3 rule for a missing key (403 without s3:ListBucket)', () => {
    let bundle: WorkflowBundleWithSourceMap;
    let client: Client;

    before(async () => {
      installQuietRuntime();
      bundle = await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        logger: new DefaultLogger('WARN'),
      });
      client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
    });

    after(async () => {
      await client?.connection.close();
    });

    /** Exports `date` with an in-process worker whose S3 client follows AWS's rule under the given user. */
    async function exportUnderAwsRule(date: string, s3User: 'LP' | 'LP_NOLIST'): Promise<unknown> {
      const userEnv = leastPrivilege(env, s3User);
      const s3 = s3For(userEnv);
      followAwsMissingKeyRule(s3);
      const clickhouse = createClickHouse(loadConfig(['clickhouse'], userEnv).clickhouse);
      const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
      const worker = await startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, bundle, { ...ctx.deps, s3, clickhouse });
      try {
        const handle = await startExportDay(client, worker.taskQueue, testInput(date, table, prefix));
        return await handle.result().catch((err: unknown) => err);
      } finally {
        await worker.stop();
        s3.destroy();
        await clickhouse.close();
      }
    }

    it('exports a new day with s3:ListBucket on the prefix', async () => {
      const date = randomPastDay();
      await insertCalls(ctx.clickhouse, database, table, dayRows(date, 6));
      const result = await exportUnderAwsRule(date, 'LP');
      assert.ok(!(result instanceof Error), String(result));
      assert.match(await readObject(ctx.s3, bucket, manifestKey(prefix, date)), /"sha256"/);
    });

    it('fails the first export of a new day with a non-retryable message naming s3:ListBucket on the prefix', async () => {
      const date = randomPastDay();
      await insertCalls(ctx.clickhouse, database, table, dayRows(date, 6));
      const result = await exportUnderAwsRule(date, 'LP_NOLIST');
      assert.ok(result instanceof WorkflowFailedError, `expected a failed run, got ${String(result)}`);
      let cause: unknown = result.cause;
      while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
      assert.ok(cause instanceof ApplicationFailure, 'an ApplicationFailure in the cause chain');
      assert.equal(cause.nonRetryable, true);
      assert.equal(cause.type, 'S3ListPermissionError');
      assert.ok(cause.message.includes(`s3:ListBucket on ${bucket} with prefix ${prefix}/`), cause.message);
    });

    it('reads a missing key as an S3ListPermissionError, not a bare AccessDenied', async () => {
      const s3 = s3For(leastPrivilege(env, 'LP_NOLIST'));
      followAwsMissingKeyRule(s3);
      try {
        const key = manifestKey(prefix, randomPastDay());
        await assert.rejects(readTextIfExists(s3, bucket, key, prefix), (err: unknown) => {
          assert.ok(err instanceof S3ListPermissionError, String(err));
          assert.equal(err.permanent, true);
          assert.match(err.message, new RegExp(`s3:ListBucket on ${bucket} with prefix ${prefix}/`));
          return true;
        });
      } finally {
        s3.destroy();
      }
    });
  });

  it('reads a key as missing when S3 answers 403 but a listing shows it absent', async () => {
    const s3 = s3For(env);
    // As AWS S3 may where s3:ListBucket carries an s3:prefix condition that a GET does not satisfy.
    s3.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          if ((err as { name?: string }).name === 'NoSuchKey') throw accessDenied();
          throw err;
        }
      },
      { step: 'initialize', name: 'forbidMissingKeys' },
    );
    try {
      assert.equal(await readTextIfExists(s3, bucket, manifestKey(prefix, randomPastDay()), prefix), undefined);
    } finally {
      s3.destroy();
    }
  });
});
