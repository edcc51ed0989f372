import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DateTime } from 'luxon';
import type { ExportTemplate } from '../../common/export-types';
import { createClickHouse } from '../../lib/clickhouse/client';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { dayWindow } from '../../lib/days/day-window';
import { createS3 } from '../../lib/s3/client';
import type { Services } from '../../lib/services';
import { compiledPath, ensureBuilt } from '../helpers/build';
import { finished, runCli, type CliResult } from '../helpers/cli-process';
import { createConversationsTable, dropTable, insertCalls } from '../helpers/conversations-table';
import { testInput, testTemplate } from '../helpers/export-input';
import { randomId, randomPastDay } from '../helpers/random';
import { installQuietRuntime } from '../helpers/runtime';
import { REPO_ROOT } from '../helpers/stack';
import { stackContext } from '../helpers/stack-context';
import { startWorker } from '../helpers/test-worker';
import { rootCause } from '../helpers/root-cause';

const run = promisify(execFile);

/** A command (client/<name>) or the worker, compiled, run to its exit. */
function runEntry(name: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  if (name !== 'worker') return runCli(name, args, env, { build: 'compiled', timeoutMs: 60_000 });
  const child = spawn(process.execPath, [compiledPath('worker/main.js')], {
    cwd: REPO_ROOT,
    env: { ...env, METRICS_ADDRESS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.once('close', () => clearTimeout(timer));
  return finished(child);
}

describe('bad inputs at every boundary', function () {
  this.timeout(600_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const today = DateTime.now().setZone('UTC').toISODate()!;
  const tag = randomId('bad');
  let bundle: WorkflowBundleWithSourceMap;
  let client: Client;
  let table: string;
  let day: string;

  /** Every key the bucket holds under the test's tag, outside staging areas: must stay empty. */
  async function finalKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const prefix of [tag, `${tag}x`]) {
      const res = await ctx.s3.send(new ListObjectsV2Command({ Bucket: ctx.deps.bucket, Prefix: prefix }));
      keys.push(...(res.Contents ?? []).map((o) => o.Key ?? '').filter((k) => !k.includes('/_staging/')));
    }
    return keys;
  }

  before(async () => {
    ensureBuilt();
    installQuietRuntime();
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN'),
    });
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
    table = await createConversationsTable(ctx.clickhouse, database);
    day = randomPastDay();
    const w = dayWindow(day, 'UTC');
    await insertCalls(ctx.clickhouse, database, table, [
      { agentId: randomUUID(), start: w.startEpoch + 60, duration: 30 },
    ]);
  });

  after(async () => {
    assert.deepEqual(await finalKeys(), [], 'nothing was written at a final key');
    await dropTable(ctx.clickhouse, database, table);
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  describe('the export and backfill commands', () => {
    // Should a case pass validation, its run goes to a queue nobody serves and is terminated below: no stray run of a
    // real day (agent-metrics-<yesterday>) is left for other tests to attach to.
    const cliEnv = { ...ctx.env, S3_PREFIX: tag, TARGET_DATE: randomPastDay(), TEMPORAL_TASK_QUEUE: `${tag}-cli` };
    after(async () => {
      for await (const w of client.workflow.list({
        query: `TaskQueue = "${tag}-cli" AND ExecutionStatus = "Running"`,
      })) {
        await client.workflow.getHandle(w.workflowId, w.runId).terminate('left by a bad-input case');
      }
    });
    const cases: [string, string, string[], Record<string, string>, RegExp][] = [
      [
        'a date that is not in the calendar',
        'export',
        ['--date', '2024-02-30'],
        {},
        /--date: '2024-02-30' is not a calendar date/,
      ],
      ['a date in another format', 'export', ['--date', '03/01/2024'], {}, /not a date in YYYY-MM-DD form/],
      ['today, whose data is not complete', 'export', ['--date', today], {}, /is not over yet in UTC/],
      ['a day in the future', 'export', ['--date', '2999-01-01'], {}, /in the future/],
      ['an unknown option', 'export', ['--dat', '2024-01-01'], {}, /unknown option '--dat'/],
      ['TARGET_DATE that is not a date', 'export', [], { TARGET_DATE: '2024-1-1' }, /TARGET_DATE: .*YYYY-MM-DD/],
      ["S3_PREFIX '..'", 'export', ['--date', '2024-01-01'], { S3_PREFIX: '..' }, /S3_PREFIX: .*'\.\.' segment/],
      ["S3_PREFIX 'a/../b'", 'export', ['--date', '2024-01-01'], { S3_PREFIX: 'a/../b' }, /S3_PREFIX: .*segment/],
      ["S3_PREFIX 'a//b'", 'export', ['--date', '2024-01-01'], { S3_PREFIX: 'a//b' }, /S3_PREFIX: .*empty segment/],
      ["S3_BUCKET_NAME 'a..b'", 'worker', [], { S3_BUCKET_NAME: 'a..b' }, /S3_BUCKET_NAME: .*'\.\.'/],
      ['an IP address as bucket', 'worker', [], { S3_BUCKET_NAME: '192.168.1.1' }, /S3_BUCKET_NAME: .*IP address/],
      ['an unknown time zone', 'export', [], { EXPORT_TIMEZONE: 'Mars/Olympus' }, /EXPORT_TIMEZONE: .*IANA/],
      ['DATA_POLL_INTERVAL=0s', 'export', [], { DATA_POLL_INTERVAL: '0s' }, /DATA_POLL_INTERVAL: .*under 1 second/],
      [
        'a table name with a backtick and a semicolon',
        'export',
        [],
        { CLICKHOUSE_TABLE: 'calls`; DROP TABLE x' },
        /CLICKHOUSE_TABLE: .*plain identifier/,
      ],
      [
        'a table name with a quote',
        'export',
        [],
        { CLICKHOUSE_TABLE: "calls' OR 1=1" },
        /CLICKHOUSE_TABLE: .*plain identifier/,
      ],
      [
        'a database name with a semicolon',
        'worker',
        [],
        { CLICKHOUSE_DATABASE: 'db;x' },
        /CLICKHOUSE_DATABASE: .*plain identifier/,
      ],
      ['an unknown call status', 'export', [], { INCLUDE_STATUSES: 'Answered,Dropped' }, /INCLUDE_STATUSES: /],
      ['a negative MIN_ROWS', 'export', [], { MIN_ROWS: '-1' }, /MIN_ROWS: .*whole number of 1 or more/],
      ['a backfill ending today', 'backfill', ['--from', '2024-01-01', '--to', today], {}, /--to .* is not over yet/],
      [
        'a backfill ending before it starts',
        'backfill',
        ['--from', '2024-01-10', '--to', '2024-01-01'],
        {},
        /is after --to/,
      ],
    ];
    for (const [what, command, args, env, message] of cases) {
      // The worker reads the ClickHouse and S3 settings; it exits 1 on any start-up failure, the commands 2.
      const code = command === 'worker' ? 1 : 2;
      it(`refuses ${what} (${command}) with exit code ${code} and a message naming it`, async () => {
        const res = await runEntry(command, args, { ...cliEnv, ...env });
        assert.equal(res.code, code, `exit code; stderr: ${res.stderr}`);
        assert.match(res.stderr, message);
      });
    }

    it('refuses credentials in an S3_ENDPOINT or CLICKHOUSE_HOST URL without printing them', async () => {
      const secret = `pw-${randomUUID()}`;
      const res = await runEntry('worker', [], {
        ...ctx.env,
        S3_ENDPOINT: `http://admin:${secret}@127.0.0.1:1`,
        CLICKHOUSE_HOST: `https://u:${secret}@bad host`,
      });
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /S3_ENDPOINT: expected no user or password/);
      assert.match(res.stderr, /CLICKHOUSE_HOST: .*\*\*\*@bad host/);
      assert.ok(!`${res.stdout}${res.stderr}`.includes(secret), res.stderr);
    });
  });

  describe('workflow inputs started with the temporal CLI', () => {
    let worker: Awaited<ReturnType<typeof startWorker>>;
    before(async () => {
      worker = await startWorker(
        ctx.config.temporal.TEMPORAL_ADDRESS,
        ctx.config.temporal.TEMPORAL_NAMESPACE,
        bundle,
        ctx.deps,
      );
    });
    after(() => worker.stop());

    /** Starts `type` with `input` as JSON through `temporal workflow start`, and returns how the run failed. */
    async function startByCli(type: string, input: unknown): Promise<ApplicationFailure> {
      const id = `${tag}-${randomUUID()}`;
      await run(ctx.env.TEMPORAL_CLI_PATH ?? 'temporal', [
        'workflow',
        'start',
        '--address',
        ctx.config.temporal.TEMPORAL_ADDRESS,
        '--namespace',
        ctx.config.temporal.TEMPORAL_NAMESPACE,
        '--task-queue',
        worker.taskQueue,
        '--type',
        type,
        '--workflow-id',
        id,
        '--input',
        JSON.stringify(input),
      ]);
      const started = Date.now();
      const err = await client.workflow
        .getHandle(id)
        .result()
        .then(
          () => assert.fail(`${type} ${JSON.stringify(input)} succeeded`),
          (e: unknown) => e,
        );
      assert.ok(Date.now() - started < 30_000, 'failed at once, without retrying');
      return rootCause(err);
    }

    const base = () => testInput(day, table, tag);
    const template = (): ExportTemplate => testTemplate(table, tag);
    const cases: [string, string, () => unknown, RegExp][] = [
      [
        'a date that is not in the calendar',
        'exportDay',
        () => ({ ...base(), date: '2024-13-01' }),
        /date: '2024-13-01' is not a calendar date/,
      ],
      ['a date as a number', 'exportDay', () => ({ ...base(), date: 20240101 }), /date: expected a date as YYYY-MM-DD/],
      [
        'today, whose window has not ended',
        'exportDay',
        () => ({ ...base(), date: today }),
        /has not ended yet in UTC/,
      ],
      ['a future day', 'exportDay', () => ({ ...base(), date: '2100-06-01' }), /2100-06-01 has not ended yet/],
      [
        'an unknown status',
        'exportDay',
        () => ({ ...base(), statuses: ['Answered', 'Dropped'] }),
        /unknown call status 'Dropped'/,
      ],
      ['no statuses', 'exportDay', () => ({ ...base(), statuses: [] }), /statuses: expected a non-empty list/],
      [
        'a negative minRows',
        'exportDay',
        () => ({ ...base(), minRows: -5 }),
        /minRows: expected a whole number from 1/,
      ],
      [
        'a table name that is SQL',
        'exportDay',
        () => ({ ...base(), table: 'x; DROP TABLE conversations' }),
        /table: expected a plain identifier/,
      ],
      [
        'a table name with backticks',
        'exportDay',
        () => ({ ...base(), table: 'a`b' }),
        /table: expected a plain identifier/,
      ],
      [
        'a table name with a quote',
        'exportDay',
        () => ({ ...base(), table: "a'b" }),
        /table: expected a plain identifier/,
      ],
      [
        "a prefix with '..'",
        'exportDay',
        () => ({ ...base(), prefix: `${tag}/../${tag}x` }),
        /prefix: .*'\.\.' segment/,
      ],
      ["the prefix '..'", 'exportDay', () => ({ ...base(), prefix: '..' }), /prefix: .*'\.\.' segment/],
      [
        'an unknown time zone',
        'exportDay',
        () => ({ ...base(), timezone: 'Mars/Olympus' }),
        /timezone: 'Mars\/Olympus' is not a known IANA time zone/,
      ],
      [
        'a poll interval of 0',
        'exportDay',
        () => ({ ...base(), pollIntervalMs: 0 }),
        /pollIntervalMs: a poll interval of 0 ms/,
      ],
      ['an unknown trigger', 'exportDay', () => ({ ...base(), trigger: 'hacker' }), /trigger: expected one of manual/],
      [
        'an unknown onEmpty',
        'exportDay',
        () => ({ ...base(), onEmpty: 'ignore' }),
        /onEmpty: expected one of fail, publish/,
      ],
      [
        'a backfill whose range is reversed',
        'backfillDays',
        () => ({
          from: '2024-02-01',
          to: '2024-01-01',
          concurrency: 2,
          force: false,
          only: 'all',
          chunkDays: 7,
          template: template(),
        }),
        /from: 2024-02-01 is after to 2024-01-01/,
      ],
      [
        'a backfill with a hostile table',
        'backfillDays',
        () => ({
          from: '2024-01-01',
          to: '2024-01-02',
          concurrency: 2,
          force: false,
          only: 'all',
          chunkDays: 7,
          template: { ...template(), table: 'x`; DROP' },
        }),
        /template.table: expected a plain identifier/,
      ],
      [
        'a scheduled run with 99 lookback days',
        'scheduledExport',
        () => ({
          template: template(),
          scheduleTimezone: 'UTC',
          lookbackDays: 99,
          nominalTime: '2024-01-02T02:00:00Z',
        }),
        /lookbackDays: expected a whole number from 0 to 31/,
      ],
    ];
    for (const [what, type, input, message] of cases) {
      it(`fails ${type} at once on ${what}, non-retryable, naming the cause`, async () => {
        const failure = await startByCli(type, input());
        assert.equal(failure.type, 'InvalidInputError');
        assert.equal(failure.nonRetryable, true);
        assert.match(failure.message, message);
      });
    }
  });

  describe('credentials and missing objects', () => {
    /** Runs the day with a worker whose services differ from the stack's by `change`; returns how it failed. */
    async function exportWith(deps: Services, input = testInput(day, table, tag)): Promise<ApplicationFailure> {
      const worker = await startWorker(
        ctx.config.temporal.TEMPORAL_ADDRESS,
        ctx.config.temporal.TEMPORAL_NAMESPACE,
        bundle,
        deps,
      );
      try {
        const started = Date.now();
        const handle = await client.workflow.start('exportDay', {
          taskQueue: worker.taskQueue,
          workflowId: `${tag}-${randomUUID()}`,
          args: [input],
        });
        const err = await handle.result().then(
          () => assert.fail('the export succeeded'),
          (e: unknown) => e,
        );
        assert.ok(Date.now() - started < 30_000, 'failed at once, without retrying');
        return rootCause(err);
      } finally {
        await worker.stop();
      }
    }

    it('fails non-retryably on a wrong ClickHouse password', async () => {
      const clickhouse = createClickHouse({ ...ctx.config.clickhouse, CLICKHOUSE_PASSWORD: 'wrong-password' });
      try {
        const failure = await exportWith({ ...ctx.deps, clickhouse });
        assert.equal(failure.type, 'ClickHouseQueryError');
        assert.equal(failure.nonRetryable, true);
        assert.match(failure.message, /password|authentication/i);
      } finally {
        await clickhouse.close();
      }
    });

    it('fails non-retryably on a wrong S3 secret key', async () => {
      const s3 = createS3({ ...ctx.config.s3, AWS_SECRET_ACCESS_KEY: 'wrong-secret-key' });
      try {
        const failure = await exportWith({ ...ctx.deps, s3 });
        assert.equal(failure.type, 'S3RequestError');
        assert.equal(failure.nonRetryable, true);
        assert.match(failure.message, /SignatureDoesNotMatch|signature/i);
      } finally {
        s3.destroy();
      }
    });

    it('fails non-retryably on a missing database', async () => {
      const failure = await exportWith({ ...ctx.deps, database: `nodb_${randomUUID().slice(0, 8)}` });
      assert.equal(failure.type, 'ClickHouseQueryError');
      assert.match(failure.message, /database does not exist|doesn't exist/i);
    });

    it('fails non-retryably on a missing table', async () => {
      const failure = await exportWith(ctx.deps, testInput(day, `missing_${randomUUID().slice(0, 8)}`, tag));
      assert.equal(failure.type, 'ClickHouseQueryError');
      assert.match(failure.message, /table does not exist|doesn't exist/i);
    });

    it('fails non-retryably on a table without a needed column', async () => {
      const partial = randomId('partial');
      await ctx.clickhouse.command({
        query: `CREATE TABLE ${qualifiedName(database, partial)} (call_start DateTime) ENGINE = MergeTree ORDER BY call_start`,
      });
      try {
        const failure = await exportWith(ctx.deps, testInput(day, partial, tag));
        assert.equal(failure.type, 'ClickHouseQueryError');
        assert.equal(failure.nonRetryable, true);
        assert.match(failure.message, /column|identifier/i);
      } finally {
        await dropTable(ctx.clickhouse, database, partial);
      }
    });

    it('fails non-retryably on a missing bucket', async () => {
      const failure = await exportWith({ ...ctx.deps, bucket: `no-such-bucket-${randomUUID().slice(0, 8)}` });
      assert.equal(failure.type, 'S3RequestError');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /NoSuchBucket|bucket/i);
    });
  });
});
