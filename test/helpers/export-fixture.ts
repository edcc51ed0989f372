import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from '@clickhouse/client';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Services } from '../../lib/services';
import type { CallStatus } from '../../common/call-status';
import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import type { ExportDayInput } from '../../common/export-types';
import { createS3 } from '../../lib/s3/client';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { COLUMNS } from '../../tools/generate/sql';
import { installQuietRuntime } from './runtime';
import { stackEnv } from './stack';

/** One row of the customer's table, as a test writes it (times in Unix seconds). */
export interface CallRow {
  readonly conversationId?: string;
  readonly customerId?: string;
  readonly agentId: string;
  readonly start: number;
  readonly duration: number;
  readonly status?: CallStatus;
  readonly updatedAt?: number;
  readonly createdAt?: number;
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Clients and settings for the local stack, from .stack/stack.env. */
export function stackContext() {
  const env = stackEnv();
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'export'], env);
  const clickhouse = createClickHouse(config.clickhouse);
  const s3 = createS3(config.s3);
  const deps: Services = {
    clickhouse,
    s3,
    bucket: config.s3.S3_BUCKET_NAME,
    database: config.clickhouse.CLICKHOUSE_DATABASE,
  };
  return { env, config, clickhouse, s3, deps };
}

/** A new table with the customer's exact DDL under a random name. */
export async function createConversationsTable(ch: ClickHouseClient, database: string): Promise<string> {
  const table = randomId('conv');
  await ensureConversationsTable(ch, database, table);
  return table;
}

export async function dropTable(ch: ClickHouseClient, database: string, table: string): Promise<void> {
  await ch.command({ query: `DROP TABLE IF EXISTS ${qualifiedName(database, table)}` });
}

export async function insertCalls(ch: ClickHouseClient, database: string, table: string, rows: readonly CallRow[]) {
  if (rows.length === 0) return;
  await ch.insert({
    table: `${database}.${table}`,
    format: 'JSONEachRow',
    columns: [...COLUMNS],
    values: rows.map((r) => ({
      customer_id: r.customerId ?? '11111111-1111-4111-8111-111111111111',
      conversation_id: r.conversationId ?? randomUUID(),
      agent_id: r.agentId,
      call_start: r.start,
      call_end: r.start + Math.max(r.duration, 0),
      call_duration_sec: r.duration,
      call_status: r.status ?? 'Answered',
      transcript: 'Agent: Hello, how can I help? Customer: My order is late.',
      sentiment_score: 0.25,
      keywords: ['order', 'late'],
      created_at: r.createdAt ?? r.start,
      updated_at: r.updatedAt ?? r.start + Math.max(r.duration, 0),
    })),
  });
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

/** The export input a test uses: its own table and prefix, short data waits. */
export function testInput(
  date: string,
  table: string,
  prefix: string,
  overrides: Partial<ExportDayInput> = {},
): ExportDayInput {
  return {
    date,
    table,
    prefix,
    timezone: 'UTC',
    statuses: ['Answered'],
    minRows: 1,
    onEmpty: 'fail',
    pollIntervalMs: 1_000,
    waitTimeoutMs: 3_000,
    force: false,
    trigger: 'manual',
    ...overrides,
  };
}

/** Runs a worker with the real activities on its own task queue until `stop()` is called. */
export async function startWorker(
  address: string,
  namespace: string,
  bundle: WorkflowBundleWithSourceMap,
  deps: Services,
): Promise<{ taskQueue: string; stop: () => Promise<void> }> {
  const taskQueue = `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities(deps),
  });
  const running = worker.run();
  return {
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A random past day, so tests on a shared dev server never reuse a running workflow id. */
export function randomPastDay(): string {
  const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 6_000) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/** A worker with the real activities on its own task queue, and a client, for one test suite. */
export interface SuiteServices {
  readonly bundle: WorkflowBundleWithSourceMap;
  readonly worker: Awaited<ReturnType<typeof startWorker>>;
  readonly client: Client;
}

/** Bundles the workflows once, starts a worker with `deps` and connects a client to the stack's Temporal. */
export async function startSuite(ctx: ReturnType<typeof stackContext>): Promise<SuiteServices> {
  installQuietRuntime();
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
  const worker = await startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, bundle, ctx.deps);
  const client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
  return { bundle, worker, client };
}

export async function stopSuite(services: Partial<SuiteServices>): Promise<void> {
  await services.worker?.stop();
  await services.client?.connection.close();
}

/** What a suite's tests use: the suite's worker and client, and the current table and S3 prefix. */
export interface StackSuite extends SuiteServices {
  table: string;
  prefix: string;
}

/**
 * Registers the hooks of a suite on the real stack: one worker and client for the suite, and a fresh table (the
 * customer's columns) and S3 prefix for each test, or once for the whole suite. Fields are set when the hooks run.
 */
export function useStackSuite(ctx: ReturnType<typeof stackContext>, fresh: 'per test' | 'per suite' = 'per test') {
  const suite = {} as StackSuite;
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const create = async () => {
    suite.table = await createConversationsTable(ctx.clickhouse, database);
    suite.prefix = randomId('test');
  };
  const drop = () => dropTable(ctx.clickhouse, database, suite.table);
  before(async () => {
    Object.assign(suite, await startSuite(ctx));
    if (fresh === 'per suite') await create();
  });
  if (fresh === 'per test') {
    beforeEach(create);
    afterEach(drop);
  }
  after(async () => {
    if (fresh === 'per suite' && suite.table) await drop();
    await stopSuite(suite);
    await ctx.clickhouse.close();
  });
  return suite;
}
