import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { addDays } from '../../common/calendar';
import type { CallStatus } from '../../common/call-status';
import { dayWindow } from '../../lib/days/day-window';
import type { StatusRow } from '../../client/status-report';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { ensureBuilt } from '../helpers/build';
import { runCli } from '../helpers/cli-process';
import { dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomId, randomPastDay } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { REPO_ROOT } from '../helpers/stack';
import { stackContext } from '../helpers/stack-context';
import { spawnWorker } from '../helpers/worker-process';
import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';

function stackScript(...args: string[]): { code: number | null; output: string } {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'stack.sh'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The cluster's shard key of each layout, as the Distributed table's sharding expression. */
const LAYOUTS = { agent: 'cityHash64(toString(agent_id))', rand: 'rand()' } as const;
type Layout = keyof typeof LAYOUTS;

/**
 * Three days of calls with every case the dedupe decides: identical re-inserts, updates (later updated_at), ties of
 * updated_at (broken by the other columns), updates that move a conversation to another agent (an agent of the
 * other shard), negative durations and left-out statuses. `agents` come in two halves, one per shard of the agent
 * layout.
 */
function dataset(days: readonly string[], agents: readonly [string[], string[]]): CallRow[] {
  const all = [...agents[0], ...agents[1]];
  const statuses: CallStatus[] = ['Answered', 'Answered', 'Answered', 'Missed', 'Voicemail'];
  const rows: CallRow[] = [];
  days.forEach((date, d) => {
    const start0 = dayWindow(date, 'UTC').startEpoch;
    for (let i = 0; i < 240; i++) {
      const conversationId = randomUUID();
      const agentId = all[(i * 7 + d) % all.length]!;
      const start = start0 + ((i * 3_613 + d * 97) % 86_000);
      const duration = i % 37 === 0 ? -5 : (i * 53 + d * 11) % 1_200;
      const status = statuses[i % statuses.length]!;
      const base = { conversationId, agentId, start, duration, status, updatedAt: start + 2_000 };
      rows.push(base);
      if (i % 6 === 0) rows.push(base); // identical re-insert
      if (i % 6 === 1) rows.push({ ...base, duration: duration + 17, updatedAt: base.updatedAt + 60 }); // update
      if (i % 6 === 2) rows.push({ ...base, duration: duration + 3, status: 'Answered' }); // tie of updated_at
      if (i % 6 === 3) {
        // moved to an agent of the other shard (agent layout), by a later version
        const other = agents[agents[0].includes(agentId) ? 1 : 0][i % agents[1].length]!;
        rows.push({ ...base, agentId: other, updatedAt: base.updatedAt + 30 });
      }
    }
  });
  return rows;
}

/**
 * The product on a two-shard ClickHouse cluster (docs/contract.md §3, README "A sharded ClickHouse"): the local stack's
 * second server (`stack.sh start clickhouse2`), per-shard tables of the customer's DDL and a Distributed table over
 * them, sharded by agent or at random. The export, the backfill and status through the real CLI and worker give the
 * same bytes as the same rows in one table of one server.
 */
describe('a sharded ClickHouse (Distributed table over two shards)', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const port2 = process.env.STACK_CLICKHOUSE2_HTTP_PORT ?? '18124';
  const sync = { insert_distributed_sync: 1 } as const;
  let shard1: ClickHouseClient;
  let shard2: ClickHouseClient;
  let startedSecond = false;
  const single = randomId('sh_single');
  const local: Record<Layout, string> = { agent: randomId('sh_agent'), rand: randomId('sh_rand') };
  const distributed = (layout: Layout) => `${local[layout]}_all`;
  const date = randomPastDay();
  const days = [date, addDays(date, 1), addDays(date, 2)];
  let worker: Awaited<ReturnType<typeof spawnWorker>>;
  const env = (table: string, prefix: string): NodeJS.ProcessEnv => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: table,
    S3_PREFIX: prefix,
    TEMPORAL_TASK_QUEUE: queue,
    EXPORT_TIMEZONE: 'UTC',
    DATA_WAIT_TIMEOUT: '2s',
    DATA_POLL_INTERVAL: '1s',
  });
  const queue = `test-${randomUUID()}`;

  before(async () => {
    ensureBuilt();
    if (stackScript('is-up', 'clickhouse2').code !== 0) {
      const started = stackScript('start', 'clickhouse2');
      assert.equal(started.code, 0, started.output);
      startedSecond = true;
    }
    const url = (port: string) => `http://${ctx.config.clickhouse.CLICKHOUSE_HOST}:${port}`;
    shard1 = createClient({ url: url(String(ctx.config.clickhouse.CLICKHOUSE_PORT)), clickhouse_settings: sync });
    shard2 = createClient({ url: url(port2) });
    for (const layout of Object.keys(LAYOUTS) as Layout[]) {
      for (const ch of [shard1, shard2]) await ensureConversationsTable(ch, database, local[layout]);
      await shard1.command({
        query: `CREATE TABLE ${database}.${distributed(layout)} AS ${database}.${local[layout]}
          ENGINE = Distributed(agent_metrics_shards, ${database}, ${local[layout]}, ${LAYOUTS[layout]})`,
      });
    }
    await ensureConversationsTable(shard1, database, single);
    worker = await spawnWorker(env(single, 'unused'));
  });

  after(async () => {
    await worker?.stop();
    for (const layout of Object.keys(LAYOUTS) as Layout[]) {
      await dropTable(shard1, database, distributed(layout));
      for (const ch of [shard1, shard2]) await dropTable(ch, database, local[layout]);
    }
    await dropTable(shard1, database, single);
    await Promise.all([shard1?.close(), shard2?.close(), ctx.clickhouse.close()]);
    if (startedSecond) assert.equal(stackScript('stop', 'clickhouse2').code, 0);
  });

  /** Agents split by the shard the agent layout puts them on (its key modulo two shards of weight 1). */
  async function agentsByShard(): Promise<[string[], string[]]> {
    const candidates = Array.from({ length: 24 }, () => randomUUID());
    const rs = await shard1.query({
      query: `SELECT a, cityHash64(a) % 2 AS shard FROM (SELECT arrayJoin([${candidates.map((c) => `'${c}'`).join(', ')}]) AS a)`,
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ a: string; shard: number | string }>();
    const halves: [string[], string[]] = [[], []];
    for (const r of rows) halves[Number(r.shard)]!.push(r.a);
    const n = Math.min(halves[0].length, halves[1].length, 6);
    assert.ok(n >= 3, 'too few agents on one shard');
    return [halves[0].slice(0, n), halves[1].slice(0, n)];
  }

  /** Conversations whose rows sit on both shards of a layout. */
  async function straddling(layout: Layout): Promise<number> {
    const ids = async (ch: ClickHouseClient) => {
      const rs = await ch.query({
        query: `SELECT DISTINCT toString(conversation_id) AS id FROM ${database}.${local[layout]}`,
        format: 'JSONEachRow',
      });
      return new Set((await rs.json<{ id: string }>()).map((r) => r.id));
    };
    const [a, b] = [await ids(shard1), await ids(shard2)];
    return [...a].filter((id) => b.has(id)).length;
  }

  /** The CSV bytes of every day and the status of the range, after an export of day 1 and a backfill of days 2–3. */
  async function exportAll(table: string) {
    const prefix = randomId('sharded');
    const e = env(table, prefix);
    const exported = await runCli('export', ['--date', days[0]!], e, { build: 'compiled' });
    assert.equal(exported.code, 0, exported.stderr + worker.output());
    const backfill = await runCli('backfill', ['--from', days[1]!, '--to', days[2]!], e, { build: 'compiled' });
    assert.equal(backfill.code, 0, backfill.stderr + backfill.stdout + worker.output());
    assert.match(backfill.stdout, /2 days: 2 exported and verified/);
    const status = await runCli('status', ['--from', days[0]!, '--to', days[2]!, '--json'], e, { build: 'compiled' });
    assert.equal(status.code, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as StatusRow[];
    const states = rows.map((r) => `${r.date} ${r.state}`);
    const figures = rows.map((r) => [r.detail, r.agents, r.sourceRows, r.exportedSourceRows]);
    const files = await Promise.all(days.map((d) => readObject(ctx.s3, ctx.deps.bucket, csvKey(prefix, d))));
    const manifests = await Promise.all(
      days.map(async (d) => {
        const m = JSON.parse(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(prefix, d))) as Record<
          string,
          unknown
        >;
        return [m.sourceRows, m.leftOut, m.sourceFingerprint];
      }),
    );
    return { files, states, figures, manifests };
  }

  it('exports, backfills and reports the same bytes by agent and at random as from one server', async () => {
    const rows = dataset(days, await agentsByShard());
    await insertCalls(shard1, database, single, rows);
    for (const layout of Object.keys(LAYOUTS) as Layout[])
      await insertCalls(shard1, database, distributed(layout), rows);
    // Both layouts really split what the dedupe must join: versions of one conversation on two shards (by agent:
    // the conversations moved to another agent; at random: any of the duplicated ones).
    assert.ok((await straddling('agent')) > 0, 'no conversation on both shards (agent layout)');
    assert.ok((await straddling('rand')) > 10, 'too few conversations on both shards (random layout)');

    const expected = await exportAll(single);
    assert.deepEqual(
      expected.states,
      days.map((d) => `${d} verified`),
    );
    assert.ok(expected.files.every((f) => f.split('\n').length > 10));
    assert.ok(expected.manifests.every(([rows, , fingerprint]) => Number(rows) > 0 && typeof fingerprint === 'string'));
    for (const layout of Object.keys(LAYOUTS) as Layout[]) {
      const got = await exportAll(distributed(layout));
      assert.deepEqual(got.states, expected.states, layout);
      assert.deepEqual(got.files, expected.files, layout);
      assert.deepEqual(got.manifests, expected.manifests, layout);
      assert.deepEqual(got.figures, expected.figures, layout);
    }
  });

  it('ships docker-compose.cluster.yml: a second server, the same cluster file in both servers', function () {
    const files = ['docker-compose.yml', 'docker-compose.cluster.yml'].flatMap((f) => ['-f', path.join(REPO_ROOT, f)]);
    const config = spawnSync('docker-compose', [...files, 'config'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(config.status, 0, config.stderr);
    const cluster = './scripts/stack/compose/clickhouse-cluster.xml';
    const mounts = config.stdout.split('\n').filter((l) => l.includes('clickhouse-cluster.xml')).length;
    assert.equal(mounts, 2, `${cluster} in both servers' config.d`);
    assert.match(config.stdout, /^ {2}clickhouse2:$/m);
    assert.equal(config.stdout.match(/:8123\/tcp$|:8123$/gm)?.length, 2, 'both servers publish their HTTP port');
  });
});
