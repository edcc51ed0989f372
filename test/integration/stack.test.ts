import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import { pingWorkflow, sleepyWorkflow } from '../fixtures/ping-workflow';
import { REPO_ROOT, STACK_ENV_FILE, readStackEnvFile, stackEnv } from '../helpers/stack';
import { testServerPath } from '../helpers/temporal-binaries';

const STACK_ENV_NAMES = [
  'CLICKHOUSE_HOST',
  'CLICKHOUSE_PORT',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_DATABASE',
  'CLICKHOUSE_TABLE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'S3_ENDPOINT',
  'S3_FORCE_PATH_STYLE',
  'S3_BUCKET_NAME',
  'S3_PREFIX',
  'LP_CLICKHOUSE_USER',
  'LP_CLICKHOUSE_PASSWORD',
  'LP_AWS_ACCESS_KEY_ID',
  'LP_AWS_SECRET_ACCESS_KEY',
  'LP_NOLIST_AWS_ACCESS_KEY_ID',
  'LP_NOLIST_AWS_SECRET_ACCESS_KEY',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_UI_URL',
  'TEMPORAL_CLI_PATH',
  'TEMPORAL_TEST_SERVER_PATH',
  'STACK_MODE',
];

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (@temporalio/proto is not a direct dependency). */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

const uniqueId = (prefix: string) => `${prefix}-${randomUUID()}`;

interface ColumnSpec {
  name: string;
  type: string;
  default_kind: string;
  default_expression: string;
}

/** The columns as the customer's DDL declares them: one column per line, an optional DEFAULT after the type. */
function columnsFromDdl(ddl: string): ColumnSpec[] {
  const body = ddl.slice(ddl.indexOf('(') + 1, ddl.lastIndexOf(') ENGINE'));
  return body
    .split('\n')
    .map((line) => line.trim().replace(/,$/, ''))
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(\w+)\s+(.+?)(?:\s+DEFAULT\s+(.+))?$/.exec(line);
      assert.ok(match?.[1] && match[2], `cannot read the column definition '${line}'`);
      return {
        name: match[1],
        type: match[2],
        default_kind: match[3] === undefined ? '' : 'DEFAULT',
        default_expression: match[3] ?? '',
      };
    });
}

describe('the local stack', function () {
  let env: Record<string, string>;
  let workflowBundle: WorkflowBundleWithSourceMap;

  before(async function () {
    this.timeout(180_000);
    env = stackEnv();
    workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/ping-workflow'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
  });

  it('writes stack.env with exactly the settings the product and tests read', function () {
    const written = readStackEnvFile();
    assert.deepEqual(Object.keys(written).sort(), [...STACK_ENV_NAMES].sort());
    for (const name of STACK_ENV_NAMES) {
      if (name !== 'CLICKHOUSE_PASSWORD') assert.notEqual(written[name], '', `${name} is empty in ${STACK_ENV_FILE}`);
    }
    assert.equal(written.CLICKHOUSE_PASSWORD, '');
    assert.match(written.STACK_MODE ?? '', /^(native|docker)$/);
    for (const binary of ['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH']) {
      const file = written[binary] ?? '';
      assert.ok(path.isAbsolute(file), `${binary} is not an absolute path: ${file}`);
      accessSync(file, constants.X_OK);
    }
    // Every line is KEY=VALUE, so `set -a; . .stack/stack.env; set +a` is all a shell needs.
    for (const line of readFileSync(STACK_ENV_FILE, 'utf8').trimEnd().split('\n')) {
      assert.match(line, /^[A-Z][A-Z0-9_]*=[^\s'"$`]*$/);
    }
  });

  it('writes a row to ClickHouse and reads the same row back', async function () {
    const { clickhouse: settings } = loadConfig(['clickhouse'], env);
    const clickhouse = createClickHouse(settings);
    const table = `${settings.CLICKHOUSE_DATABASE}.stack_test_${randomUUID().replace(/-/g, '')}`;
    const row = { id: 42, label: uniqueId('row'), at: '2024-03-10 07:30:00' };
    try {
      await clickhouse.command({
        query: `CREATE TABLE ${table} (id UInt32, label String, at DateTime) ENGINE = MergeTree ORDER BY id`,
      });
      await clickhouse.insert({ table, values: [row], format: 'JSONEachRow' });
      const result = await clickhouse.query({ query: `SELECT id, label, at FROM ${table}`, format: 'JSONEachRow' });
      assert.deepEqual(await result.json(), [row]);
    } finally {
      await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
      await clickhouse.close();
    }
  });

  it("creates the conversations table with exactly the customer's columns, types and sort key", async function () {
    const { clickhouse: settings } = loadConfig(['clickhouse'], env);
    const clickhouse = createClickHouse(settings);
    const ddl = readFileSync(path.join(REPO_ROOT, 'scripts', 'stack', 'conversations.sql'), 'utf8');
    try {
      const table = env.CLICKHOUSE_TABLE;
      const filter = `database = '${settings.CLICKHOUSE_DATABASE}' AND table = '${table}'`;
      const columns = await clickhouse.query({
        query: `SELECT name, type, default_kind, default_expression FROM system.columns WHERE ${filter}`,
        format: 'JSONEachRow',
      });
      assert.deepEqual(await columns.json<ColumnSpec>(), columnsFromDdl(ddl));
      const tables = await clickhouse.query({
        query: `SELECT engine, sorting_key FROM system.tables WHERE database = '${settings.CLICKHOUSE_DATABASE}' AND name = '${table}'`,
        format: 'JSONEachRow',
      });
      const orderBy = /ORDER BY \((.+)\)/.exec(ddl)?.[1];
      assert.deepEqual(await tables.json(), [{ engine: 'MergeTree', sorting_key: orderBy }]);
    } finally {
      await clickhouse.close();
    }
  });

  it('puts an object into the MinIO bucket and reads the same bytes back', async function () {
    const s3 = new S3Client({
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
    });
    const bucket = env.S3_BUCKET_NAME;
    const key = `stack-test/${uniqueId('object')}.csv`;
    const body = `agent_id,total_calls\n${randomUUID()},7\n`;
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await read.Body?.transformToString('utf8'), body);
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      s3.destroy();
    }
  });

  it('runs a workflow on the Temporal dev server with the AgentMetricsDate and AgentMetricsExport search attributes registered', async function () {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    try {
      const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      assert.equal(
        customAttributes?.AgentMetricsDate,
        INDEXED_VALUE_TYPE_KEYWORD,
        'AgentMetricsDate is registered as a Keyword',
      );
      assert.equal(
        customAttributes?.AgentMetricsExport,
        INDEXED_VALUE_TYPE_KEYWORD,
        'AgentMetricsExport is registered as a Keyword',
      );

      const client = new Client({ connection, namespace });
      const taskQueue = uniqueId('stack-test');
      const worker = await Worker.create({ connection: nativeConnection, namespace, taskQueue, workflowBundle });
      const name = uniqueId('ping');
      const result = await worker.runUntil(
        client.workflow.execute(pingWorkflow, { taskQueue, workflowId: uniqueId('stack-ping'), args: [name] }),
      );
      assert.equal(result, `pong ${name} from ${taskQueue}`);
    } finally {
      await nativeConnection.close();
      await connection.close();
    }
  });

  it('finishes a workflow that sleeps a day within seconds on the time-skipping test server', async function () {
    const testEnv = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServerPath() } },
    });
    try {
      const taskQueue = uniqueId('stack-test-skip');
      const worker = await Worker.create({ connection: testEnv.nativeConnection, taskQueue, workflowBundle });
      const startedAt = Date.now();
      const sleptMs = await worker.runUntil(
        testEnv.client.workflow.execute(sleepyWorkflow, {
          taskQueue,
          workflowId: uniqueId('stack-sleep'),
          args: ['1 day'],
        }),
      );
      assert.ok(sleptMs >= 24 * 60 * 60 * 1000, `workflow time advanced by a day (got ${sleptMs} ms)`);
      assert.ok(Date.now() - startedAt < 60_000, 'the day passed in less than a minute of wall time');
    } finally {
      await testEnv.teardown();
    }
  });

  it('ships a docker-compose.yml that docker-compose accepts, with every service of the stack', function () {
    const compose = (...args: string[]) =>
      spawnSync('docker-compose', ['-f', path.join(REPO_ROOT, 'docker-compose.yml'), ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, COMPOSE_PROJECT_NAME: 'agent-metrics' },
      });
    const check = compose('config', '-q');
    assert.ifError(check.error);
    assert.equal(check.status, 0, `docker-compose config -q failed:\n${check.stderr}`);
    const services = compose('--profile', 'worker', 'config', '--services');
    assert.equal(services.status, 0, services.stderr);
    assert.deepEqual(services.stdout.trim().split('\n').sort(), [
      'clickhouse',
      'minio',
      'minio-setup',
      'postgresql',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
    // Every dependency waits for health (or a one-shot's success); every long-running service reports its health.
    const config = compose('--profile', 'worker', 'config');
    assert.equal(config.status, 0, config.stderr);
    // docker-compose is Python and brings PyYAML: it turns the resolved file into JSON for the checks.
    const asJson = spawnSync(
      'python3',
      ['-c', 'import sys, yaml, json; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      {
        input: config.stdout,
        encoding: 'utf8',
      },
    );
    assert.equal(asJson.status, 0, asJson.stderr);
    const parsed = JSON.parse(asJson.stdout) as {
      services: Record<
        string,
        { depends_on?: Record<string, { condition: string }>; healthcheck?: unknown; restart?: string }
      >;
    };
    for (const [name, service] of Object.entries(parsed.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(
          ['service_healthy', 'service_completed_successfully'].includes(condition),
          `${name} waits for ${dependency} with ${condition}`,
        );
      }
      const oneShot = service.restart?.startsWith('on-failure');
      if (!oneShot && name !== 'temporal-ui') assert.ok(service.healthcheck, `${name} has a healthcheck`);
    }
    assert.doesNotMatch(config.stdout, /temporalio\/auto-setup|image: minio\/minio/);
    // The MinIO image is built from the very versions the native stack pins.
    const pins = readFileSync(path.join(REPO_ROOT, 'scripts', 'stack', 'common.sh'), 'utf8');
    for (const name of ['MINIO_VERSION', 'MC_VERSION']) {
      const pinned = new RegExp(`^${name}="([^"]+)"`, 'm').exec(pins)?.[1];
      assert.ok(pinned, `${name} is pinned in common.sh`);
      assert.match(
        config.stdout,
        new RegExp(`${name}: ${pinned}`),
        `docker-compose.yml builds MinIO with ${name} ${pinned}`,
      );
    }
  });

  it('ships a Dockerfile on a supported Node LTS that installs with npm ci, runs as non-root and checks its health', function () {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const node = Number(/^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1]);
    assert.ok(node >= 24 && node % 2 === 0, `Node ${node} is an LTS line after Node 20's end of life`);
    assert.doesNotMatch(dockerfile, /npm install/);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*dist\/worker\/healthcheck\.js/m);
  });
});
