import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Services } from '../../lib/services';
import { startExportDay } from '../../client/start-export';
import { createClickHouse } from '../../lib/clickhouse/client';
import { dayWindow } from '../../lib/days/day-window';
import { createS3 } from '../../lib/s3/client';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { createConversationsTable, dropTable, insertCalls } from '../helpers/conversations-table';
import { testInput } from '../helpers/export-input';
import { randomId, randomPastDay } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';
import { startWorker } from '../helpers/test-worker';
import { installQuietRuntime } from '../helpers/runtime';
import { startService, stopService, type StackService } from '../helpers/stack';
import { rootCause } from '../helpers/root-cause';
import { completedLocalSteps, completedSteps } from '../helpers/workflow-steps';

/**
 * Waits until the run's pending activity has failed at least once (attempt ≥ 2), i.e. it is retrying. Local
 * activities (the quick S3 steps) retry inside the worker and are never pending on the server: see `untilLocalRetried`.
 */
async function untilRetrying(handle: WorkflowHandle, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { raw } = await handle.describe();
    const pending = raw.pendingActivities?.find((a) => (a.attempt ?? 0) >= 2);
    if (pending) return pending.activityType?.name ?? '?';
    if (Date.now() > deadline) throw new Error('the run never retried an activity');
    await delay(250);
  }
}

/**
 * Waits until the local step `step` has been given a few attempts: the steps before it completed (the last of them,
 * `before`, is in the history) and its retry interval (1 s, doubling) has passed twice since.
 */
async function untilLocalRetried(handle: WorkflowHandle, before: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await completedSteps(handle)).some((s) => s.activityType === before)) {
    if (Date.now() > deadline) throw new Error(`${before} never completed`);
    await delay(250);
  }
  await delay(4_000);
}

describe('daily export on the real stack: failures', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let bundle: WorkflowBundleWithSourceMap;
  let client: Client;
  let table: string;
  let prefix: string;
  let date: string;

  before(async () => {
    installQuietRuntime();
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN'),
    });
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  beforeEach(async () => {
    table = await createConversationsTable(ctx.clickhouse, database);
    prefix = randomId('test');
    date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    await insertCalls(ctx.clickhouse, database, table, [
      { agentId: randomUUID(), start: w.startEpoch + 10, duration: 42 },
      { agentId: randomUUID(), start: w.startEpoch + 20, duration: 43 },
    ]);
  });

  afterEach(async () => {
    await dropTable(ctx.clickhouse, database, table);
  });

  after(async () => {
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  async function exportWith(deps: Services, tableName = table) {
    const worker = await startWorker(
      ctx.config.temporal.TEMPORAL_ADDRESS,
      ctx.config.temporal.TEMPORAL_NAMESPACE,
      bundle,
      deps,
    );
    try {
      const handle = await startExportDay(client, worker.taskQueue, testInput(date, tableName, prefix));
      const started = Date.now();
      const outcome = await handle.result().then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
      return { ...outcome, ms: Date.now() - started };
    } finally {
      await worker.stop();
    }
  }

  // The first step each outage fails; a local one (findDelivery) with the step that completes before it.
  const outages: Array<[string, StackService, string, string?]> = [
    ['ClickHouse', 'clickhouse', 'checkData'],
    ['the S3 server', 'minio', 'findDelivery', 'checkData'],
  ];
  for (const [what, service, firstStep, before] of outages) {
    it(`retries while ${what} is down and completes once it is back`, async () => {
      const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
      const worker = await startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, bundle, ctx.deps);
      try {
        stopService(service);
        const handle = await startExportDay(client, worker.taskQueue, testInput(date, table, prefix));
        try {
          if (before) await untilLocalRetried(handle, before);
          else assert.equal(await untilRetrying(handle), firstStep);
        } finally {
          await startService(service);
        }
        const result = await handle.result();
        assert.equal(result.result, 'exported');
        assert.equal(result.agentRows, 2);
        if (before) {
          const local = (await completedLocalSteps(handle)).find((s) => s.activityType === firstStep);
          assert.ok(local && local.attempt >= 2, `${firstStep} completed on a retry: ${JSON.stringify(local)}`);
        }
      } finally {
        await worker.stop();
      }
    });
  }

  it('fails at once, non-retryable, on a wrong ClickHouse password', async () => {
    const clickhouse = createClickHouse({ ...ctx.config.clickhouse, CLICKHOUSE_PASSWORD: 'wrong-password' });
    try {
      const { error, ms } = await exportWith({ ...ctx.deps, clickhouse });
      const cause = rootCause(error);
      assert.equal(cause.type, 'ClickHouseQueryError');
      assert.equal(cause.nonRetryable, true);
      assert.match(cause.message, /password|authentication|user/i);
      assert.ok(ms < 15_000, `failed within seconds (${ms} ms)`);
    } finally {
      await clickhouse.close();
    }
  });

  it('fails at once, naming the table, when the table does not exist', async () => {
    const { error } = await exportWith(ctx.deps, 'no_such_table');
    const cause = rootCause(error);
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /table does not exist.*no_such_table/i);
  });

  it('fails at once, naming the column, when a column is missing', async () => {
    const broken = randomId('broken');
    await ctx.clickhouse.command({
      query: `CREATE TABLE ${qualifiedName(database, broken)} (conversation_id UUID, agent_id UUID, call_start DateTime) ENGINE = MergeTree() ORDER BY call_start`,
    });
    try {
      const { error } = await exportWith(ctx.deps, broken);
      const cause = rootCause(error);
      assert.equal(cause.nonRetryable, true);
      assert.match(cause.message, /customer_id|call_end|call_duration_sec|missing column/);
    } finally {
      await dropTable(ctx.clickhouse, database, broken);
    }
  });

  it('fails at once when the bucket does not exist', async () => {
    const { error } = await exportWith({ ...ctx.deps, bucket: `missing-${randomUUID().slice(0, 8)}` });
    const cause = rootCause(error);
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /NoSuchBucket/);
  });

  it('fails at once on wrong S3 credentials', async () => {
    const s3 = createS3({ ...ctx.config.s3, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      const { error, ms } = await exportWith({ ...ctx.deps, s3 });
      const cause = rootCause(error);
      assert.equal(cause.nonRetryable, true);
      assert.match(cause.message, /SignatureDoesNotMatch|AccessDenied|HTTP 403/);
      assert.ok(ms < 15_000, `failed within seconds (${ms} ms)`);
    } finally {
      s3.destroy();
    }
  });
});
