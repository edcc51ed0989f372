import { randomUUID } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { exportInput } from '../../client/export-input';
import { startExportDay } from '../../client/start-export';
import { batchAgentMetricsSql } from '../../lib/clickhouse/batch-sql';
import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { clickhouseEndpoint } from '../../lib/clickhouse/endpoint';
import { generateConversations } from '../generate/calls';
import { runBench } from './main';
import { spawnBenchWorker } from './worker-process';

/**
 * BENCH_ONLY=cluster: one day on the stack's two-shard cluster (`stack.sh start clickhouse2`, scripts/bench.sh
 * starts it) against the same rows in one table of one server: the export through Temporal, the compute query alone,
 * and from each server's query_log what ran where (rows read, rows the shard sent back). Both servers share this
 * machine's cores, so two shards are not faster here: the figures show what the shards do, not a speed-up.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CALLS = Number(process.env.BENCH_CLUSTER_CALLS ?? 2_000_000);
const AGENTS = 2_000;
const DATE = '2024-05-14';
const CLUSTER = 'agent_metrics_shards';
const LAYOUTS = { 'by agent': 'cityHash64(toString(agent_id))', 'at random': 'rand()' } as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function rows<T>(ch: ClickHouseClient, query: string): Promise<T[]> {
  return (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
}

async function count(ch: ClickHouseClient, table: string): Promise<number> {
  return Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${table}`))[0]?.n ?? 0);
}

interface LogRow {
  initial: number;
  read_rows: string;
  read_bytes: string;
  result_rows: string;
  memory_usage: string;
  query_duration_ms: string;
}

/** The query's entries in both servers' query_log: the initiator's and each shard's part. */
async function whereItRan(servers: ClickHouseClient[], queryId: string): Promise<string[]> {
  const out: string[] = [];
  for (const [i, ch] of servers.entries()) {
    await ch.command({ query: 'SYSTEM FLUSH LOGS' });
    const [{ n } = { n: '0' }] = await rows<{ n: string }>(
      ch,
      "SELECT count() AS n FROM system.tables WHERE database = 'system' AND name = 'query_log'",
    );
    if (n === '0') {
      // 18.16 creates the table with the first logged query; a fresh shard may not have one.
      out.push(`  server ${i + 1}: no system.query_log yet (nothing logged there)`);
      continue;
    }
    const log = await rows<LogRow>(
      ch,
      `SELECT is_initial_query AS initial, read_rows, read_bytes, result_rows, memory_usage, query_duration_ms
       FROM system.query_log WHERE type = 2 AND initial_query_id = '${queryId}' ORDER BY event_time`,
    );
    for (const r of log) {
      out.push(
        `  server ${i + 1}, ${r.initial ? 'initiator (whole query)' : 'shard part'}: read ${Number(r.read_rows).toLocaleString('en-US')} rows ` +
          `(${mib(Number(r.read_bytes))}), returned ${Number(r.result_rows).toLocaleString('en-US')} rows, ` +
          `memory ${mib(Number(r.memory_usage))}, ${r.query_duration_ms} ms`,
      );
    }
  }
  return out;
}

runBench(async ({ config, services, client }) => {
  const { clickhouse: ch, database } = services;
  // The stack's first server (CLICKHOUSE_* of .stack/stack.env) and its second one, on the same host.
  const endpoint = new URL(clickhouseEndpoint(config.clickhouse).origin);
  const first = createClient({
    url: endpoint.origin,
    clickhouse_settings: { insert_distributed_sync: 1 },
  });
  const second = createClient({
    url: `${endpoint.protocol}//${endpoint.hostname}:${process.env.STACK_CLICKHOUSE2_HTTP_PORT ?? 18124}`,
  });
  const single = `bench_cluster_${CALLS}`;
  try {
    const had = await ensureConversationsTable(ch, database, single);
    if (had === 0) {
      await generateConversations(ch, {
        database,
        table: single,
        from: DATE,
        to: DATE,
        callsPerDay: CALLS,
        agents: AGENTS,
        seed: 7,
        timezone: 'UTC',
      });
    }
    const total = await count(ch, `${database}.${single}`);
    console.log(
      `agent-metrics bench, cluster: one day of ${total.toLocaleString('en-US')} rows (${CALLS} calls, ${AGENTS} agents), ${RUNS} runs each, medians`,
    );
    const tables: Record<string, string> = { 'one server': single };
    for (const [layout, key] of Object.entries(LAYOUTS)) {
      const local = `${single}_${layout === 'by agent' ? 'agent' : 'rand'}_shard`;
      const dist = `${local.replace(/_shard$/, '')}_all`;
      for (const server of [first, second]) await ensureConversationsTable(server, database, local);
      await first.command({
        query: `CREATE TABLE IF NOT EXISTS ${database}.${dist} AS ${database}.${local} ENGINE = Distributed(${CLUSTER}, ${database}, ${local}, ${key})`,
      });
      if ((await count(first, `${database}.${dist}`)) !== total) {
        for (const server of [first, second]) await server.command({ query: `TRUNCATE TABLE ${database}.${local}` });
        await first.command({ query: `INSERT INTO ${database}.${dist} SELECT * FROM ${database}.${single}` });
      }
      const [a, b] = [await count(first, `${database}.${local}`), await count(second, `${database}.${local}`)];
      console.log(`two shards ${layout}: ${dist} (${a.toLocaleString('en-US')} + ${b.toLocaleString('en-US')} rows)`);
      tables[`two shards, ${layout}`] = dist;
    }

    const queue = `bench-cluster-${randomUUID()}`;
    const worker = await spawnBenchWorker({ ...process.env, TEMPORAL_TASK_QUEUE: queue });
    const exportMs: Record<string, number[]> = {};
    const queryMs: Record<string, number[]> = {};
    try {
      for (let i = 0; i < RUNS; i += 1) {
        // Each run goes through every table in turn, so they see the same machine load.
        for (const [name, table] of Object.entries(tables)) {
          const input = exportInput(
            DATE,
            { ...config.export, CLICKHOUSE_TABLE: table, S3_PREFIX: `bench/${table}` },
            { force: true, trigger: 'manual' },
          );
          let t = Date.now();
          await (await startExportDay(client, queue, input)).result();
          (exportMs[name] ??= []).push(Date.now() - t);
          const sql = batchAgentMetricsSql(
            { database, table, slots: daySlots([DATE], 'UTC'), distributed: table !== single },
            ['Answered'],
          );
          t = Date.now();
          await first.command({ query: `${sql} FORMAT Null` });
          (queryMs[name] ??= []).push(Date.now() - t);
        }
      }
    } finally {
      await worker.stop();
    }
    for (const [name, table] of Object.entries(tables)) {
      console.log(`\n## ${name} (${table})`);
      console.log(
        `export through Temporal, end to end   ${seconds(median(exportMs[name]!))}   (runs: ${exportMs[name]!.map(seconds).join(', ')})`,
      );
      console.log(
        `compute query alone                   ${seconds(median(queryMs[name]!))}   (runs: ${queryMs[name]!.map(seconds).join(', ')})`,
      );
      const queryId = randomUUID();
      const sql = batchAgentMetricsSql(
        { database, table, slots: daySlots([DATE], 'UTC'), distributed: table !== single },
        ['Answered'],
      );
      await first.command({ query: `${sql} FORMAT Null`, query_id: queryId, clickhouse_settings: { log_queries: 1 } });
      for (const line of await whereItRan([first, second], queryId)) console.log(line);
    }
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});
