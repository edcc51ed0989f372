import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { addDays } from '../../common/calendar';
import type { CallStatus } from '../../common/call-status';
import { parseManifest } from '../../common/manifest';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { ensureBuilt } from '../helpers/build';
import { runCli, type CliResult } from '../helpers/cli-process';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomId, randomPastDay } from '../helpers/random';
import { referenceCsvRows } from '../helpers/reference-metrics';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { spawnWorker } from '../helpers/worker-process';
import { completedLocalSteps, completedSteps } from '../helpers/workflow-steps';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../helpers/free-port';

const ACME = randomUUID();
const GLOBEX = randomUUID();
const STATUSES: CallStatus[] = ['Answered', 'Missed', 'Rejected', 'Hangup'];

/** Calls of three customers over the UTC days around `date`, some duplicated with a later version. */
function calls(date: string): CallRow[] {
  const start = DateTime.fromISO(date, { zone: 'UTC' }).minus({ days: 1 }).toSeconds();
  const agents = Array.from({ length: 12 }, () => randomUUID());
  const rows: CallRow[] = [];
  for (let i = 0; i < 2_400; i += 1) {
    const row: CallRow = {
      conversationId: randomUUID(),
      customerId: [ACME, GLOBEX, randomUUID()][i % 3]!,
      agentId: agents[Math.floor(i / 3) % agents.length]!,
      start: start + ((i * 104_729) % (3 * 86_400)),
      duration: i % 97 === 0 ? -5 : (i * 37) % 1_800,
      status: STATUSES[(i * 5) % STATUSES.length]!,
      updatedAt: start + 4 * 86_400,
    };
    rows.push(row);
    if (i % 11 === 0)
      rows.push({ ...row, duration: row.duration + 60, status: 'Answered', updatedAt: row.updatedAt! + 1 });
  }
  return rows;
}

/** Day `date` in `zone` as Unix seconds, from luxon directly (not the product's window code). */
function localDay(date: string, zone: string) {
  const start = DateTime.fromISO(date, { zone });
  return { start: start.toSeconds(), end: start.plus({ days: 1 }).toSeconds() };
}

describe('several exports from one EXPORTS_FILE, by the real CLI and worker', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const suffix = randomBytes(4).toString('hex');
  const acme = { name: `acme-${suffix}`, prefix: randomId('acme'), zone: 'America/New_York', statuses: ['Answered'] };
  const globex = {
    name: `globex-${suffix}`,
    prefix: randomId('globex'),
    zone: 'Asia/Tokyo',
    statuses: ['Answered', 'Missed'],
  };
  const bucket = `test-exports-${suffix}`;
  const date = randomPastDay();
  let table: string;
  let rows: CallRow[];
  let env: NodeJS.ProcessEnv;
  let worker: Awaited<ReturnType<typeof spawnWorker>>;
  let metricsAddress: string;
  let client: Client;
  const exported = new Map<string, CliResult>();
  const run = (name: string, args: string[]) => runCli(name, args, env, { build: 'compiled', timeoutMs: 120_000 });

  before(async () => {
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
    rows = calls(date);
    await insertCalls(ctx.clickhouse, database, table, rows);
    await ctx.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const file = join(mkdtempSync(join(tmpdir(), 'agent-metrics-')), 'agent-metrics.yaml');
    writeFileSync(
      file,
      `exports:
  - name: ${acme.name}
    customer_id: ${ACME}
    bucket: ${bucket}
    prefix: ${acme.prefix}
    timezone: ${acme.zone}
    statuses: [${acme.statuses.join(', ')}]
  - name: ${globex.name}
    customer_id: ${GLOBEX}
    prefix: ${globex.prefix}
    timezone: ${globex.zone}
    statuses: ${globex.statuses.join(',')}
    schedule: { time: '05:45' }
`,
    );
    const queue = `test-${randomUUID()}`;
    const common = { ...ctx.env, TEMPORAL_TASK_QUEUE: queue, DATA_WAIT_TIMEOUT: '2s', DATA_POLL_INTERVAL: '1s' };
    // The worker needs no EXPORTS_FILE: each run's input carries its export's settings.
    metricsAddress = `127.0.0.1:${await freePort()}`;
    worker = await spawnWorker({ ...common, METRICS_ADDRESS: metricsAddress });
    env = { ...common, CLICKHOUSE_TABLE: table, EXPORTS_FILE: file };
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
    // Both exports of the day, each chosen with --export, as an operator runs them.
    for (const e of [acme, globex])
      exported.set(e.name, await run('export', ['--export', e.name, '--date', date, '--json']));
  });

  after(async () => {
    for (const e of [acme, globex]) {
      await client?.schedule
        .getHandle(`agent-metrics-${e.name}-daily`)
        .delete()
        .catch(() => undefined);
    }
    await worker?.stop();
    await client?.connection.close();
    const listed = await ctx.s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
    const objects = (listed?.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (objects.length > 0)
      await ctx.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    await ctx.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  it('refuses to export without --export when several exports are configured, listing them', async () => {
    const refused = await run('export', ['--date', date]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`2 exports are configured \\(${acme.name}, ${globex.name}\\)`));
  });

  it("exports each export's customer, statuses and day in its own time zone to its own bucket and prefix", async () => {
    for (const [e, where] of [
      [acme, bucket],
      [globex, ctx.deps.bucket],
    ] as const) {
      const done = exported.get(e.name)!;
      assert.equal(done.code, 0, done.stderr);
      const result = JSON.parse(done.stdout) as { workflowId: string; uri: string };
      assert.equal(result.workflowId, `agent-metrics-${e.name}-${date}`);
      assert.equal(result.uri, `s3://${where}/${csvKey(e.prefix, date)}`);
      const customer = e === acme ? ACME : GLOBEX;
      const expected = referenceCsvRows(
        rows.filter((r) => r.customerId === customer),
        localDay(date, e.zone),
        e.statuses,
        date,
      );
      assert.ok(expected.length > 5, 'the day holds calls of several agents');
      const csv = await readObject(ctx.s3, where, csvKey(e.prefix, date));
      assert.deepEqual(Papa.parse<string[]>(csv.trimEnd()).data.slice(1), expected);
      const manifest = parseManifest(await readObject(ctx.s3, where, manifestKey(e.prefix, date)));
      assert.equal(manifest.export, e.name);
      assert.equal(manifest.customerId, customer);
      assert.equal(manifest.timezone, e.zone);
      assert.equal(manifest.csv.bucket, where);
    }
  });

  it("labels the worker's business metrics with each run's export", async () => {
    const deadline = Date.now() + 30_000;
    let page = '';
    const delivered = (name: string) =>
      new RegExp(`agent_metrics_exports_total\\{(?=[^}]*export="${name}")(?=[^}]*result="exported")`);
    while (Date.now() < deadline && ![acme, globex].every((e) => delivered(e.name).test(page))) {
      page = await (await fetch(`http://${metricsAddress}/metrics`)).text().catch(() => '');
      await delay(250);
    }
    for (const e of [acme, globex]) {
      assert.match(page, delivered(e.name));
      assert.match(page, new RegExp(`agent_metrics_step_duration_seconds_count\\{[^}]*export="${e.name}"`));
      assert.match(page, new RegExp(`agent_metrics_last_delivered_day_age_seconds\\{[^}]*export="${e.name}"`));
    }
  });

  it("backfills one export's days with its customer, to its own bucket, leaving no staged files", async () => {
    const before = addDays(date, -1);
    const done = await run('backfill', ['--export', acme.name, '--from', before, '--to', date, '--force', '--json']);
    assert.equal(done.code, 0, done.stderr);
    const summary = JSON.parse(done.stdout) as {
      workflowId: string;
      counts: { exported: number; failed: number };
      latest: { date: string; result: string }[];
    };
    assert.equal(summary.workflowId, `agent-metrics-${acme.name}-backfill-${before}-${date}`);
    assert.deepEqual([summary.counts.exported, summary.counts.failed], [2, 0]);
    for (const d of [before, date]) {
      const expected = referenceCsvRows(
        rows.filter((r) => r.customerId === ACME),
        localDay(d, acme.zone),
        acme.statuses,
        d,
      );
      const csv = await readObject(ctx.s3, bucket, csvKey(acme.prefix, d));
      assert.deepEqual(Papa.parse<string[]>(csv.trimEnd()).data.slice(1), expected, d);
    }
    // The backfill computed both days in its batch query (with the customer filter, into the export's bucket): the
    // day's run started at "verify" (a local activity for a batched day), it did not compute the day alone.
    const day = client.workflow.getHandle(`agent-metrics-${acme.name}-${date}`);
    const steps = [...(await completedSteps(day)), ...(await completedLocalSteps(day))].map((x) => x.activityType);
    assert.ok(steps.includes('verifyCsv') && !steps.includes('computeMetrics'), steps.join(', '));
    const staged = await ctx.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${acme.prefix}/_staging/` }));
    assert.deepEqual(staged.Contents ?? [], []);
  });

  it('shows the status of every export by default, and of one with --export', async () => {
    const all = await run('status', ['--from', date, '--to', date, '--json']);
    assert.equal(all.code, 0, all.stderr);
    const states = (JSON.parse(all.stdout) as { export: string; date: string; state: string }[]).map((r) => [
      r.export,
      r.date,
      r.state,
    ]);
    assert.deepEqual(states, [
      [acme.name, date, 'verified'],
      [globex.name, date, 'verified'],
    ]);
    const one = await run('status', ['--export', globex.name, '--from', date, '--to', date]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`${date} +verified`));
    assert.ok(!one.stdout.includes(acme.name), one.stdout);
  });

  it('creates and describes one schedule per export, each at its own time', async () => {
    const created = await run('schedule', ['create']);
    assert.equal(created.code, 0, created.stderr);
    const described = await run('schedule', ['describe', '--json']);
    assert.equal(described.code, 0, described.stderr);
    const reports = JSON.parse(described.stdout) as { scheduleId: string; timezone: string; spec: string }[];
    assert.deepEqual(
      reports.map((r) => [r.scheduleId, r.timezone, r.spec]),
      [
        [`agent-metrics-${acme.name}-daily`, acme.zone, 'daily at 02:00'],
        [`agent-metrics-${globex.name}-daily`, globex.zone, 'daily at 05:45'],
      ],
    );
    const paused = await run('schedule', ['pause', '--export', acme.name]);
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal((await client.schedule.getHandle(`agent-metrics-${acme.name}-daily`).describe()).state.paused, true);
    assert.equal(
      (await client.schedule.getHandle(`agent-metrics-${globex.name}-daily`).describe()).state.paused,
      false,
    );
  });
});
