import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { cpus } from 'node:os';
import { exportInput } from '../../client/export-input';
import { startExportDay } from '../../client/start-export';
import { generateConversations } from '../generate/calls';
import { randomUUID } from 'node:crypto';
import { bareExport, queryOnly, serverCpuMs } from './baseline';
import { ensureDistinctDay, floorSql, peerSql } from './distinct-day';
import { spawnBenchWorker } from './worker-process';
import type { Services } from '../../lib/services';
import { runBench } from './main';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATE = '2024-05-14';
const CASES = [
  { name: '10M calls, 2,000 agents', calls: Number(process.env.BENCH_CALLS ?? 10_000_000), agents: 2_000 },
  { name: '2M calls, 50,000 agents', calls: Number(process.env.BENCH_CALLS_WIDE ?? 2_000_000), agents: 50_000 },
  {
    name: '10M calls, every conversation_id distinct, 2,000 agents, 60% Answered',
    calls: Number(process.env.BENCH_CALLS_DISTINCT ?? 10_000_000),
    agents: 2_000,
    distinct: true,
  },
].filter((c) => !process.env.BENCH_CASE || c.name.startsWith(process.env.BENCH_CASE));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = Date.now();
  await fn();
  return Date.now() - t;
}

async function ensureTable(ch: Services['clickhouse'], database: string, table: string, calls: number, agents: number) {
  const rows = await ensureConversationsTable(ch, database, table);
  if (rows > 0) return `reused (${rows} rows)`;
  const summary = await generateConversations(ch, {
    database,
    table,
    from: DATE,
    to: DATE,
    callsPerDay: calls,
    agents,
    seed: 7,
    timezone: 'UTC',
  });
  return `generated ${summary.rows} rows in ${seconds(summary.elapsedMs)}`;
}

runBench(async ({ config, services, client }) => {
  const { clickhouse: ch, s3, bucket, database } = services;
  const version = await (
    await ch.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
  ).json<{ v: string }>();
  console.log(
    `agent-metrics bench: ${cpus().length} cores, Node ${process.version}, ClickHouse ${version[0]?.v}, ${RUNS} runs each, medians`,
  );
  {
    for (const c of CASES) {
      const table = `bench_${c.distinct ? 'distinct_' : ''}${c.calls}_${c.agents}`;
      const obtained = c.distinct
        ? await ensureDistinctDay(ch, { database, table, date: DATE, calls: c.calls, agents: c.agents })
        : await ensureTable(ch, database, table, c.calls, c.agents);
      console.log(`\n## ${c.name} in one day (table ${table}: ${obtained})`);
      const prefix = `bench/${table}`;
      const queue = `bench-${table}`;
      const worker = await spawnBenchWorker({ ...process.env, TEMPORAL_TASK_QUEUE: queue });
      const temporalMs: number[] = [];
      const bareMs: number[] = [];
      const queryMs: number[] = [];
      const peerMs: number[] = [];
      const floorMs: number[] = [];
      const cpuIds: { query: string; peer: string; floor: string }[] = [];
      let agents = 0;
      try {
        for (let i = 0; i < RUNS; i += 1) {
          const input = exportInput(
            DATE,
            { ...config.export, CLICKHOUSE_TABLE: table, S3_PREFIX: prefix },
            { force: true, trigger: 'manual' },
          );
          temporalMs.push(
            await timed(async () => {
              agents = (await (await startExportDay(client, queue, input)).result()).agentRows;
            }),
          );
          bareMs.push(
            await timed(() => bareExport(ch, s3, { database, table, date: DATE, bucket, key: `${prefix}/bare.csv` })),
          );
          const ids = { query: randomUUID(), peer: randomUUID(), floor: randomUUID() };
          cpuIds.push(ids);
          const logged = (query: string, id: string) =>
            ch.command({ query, query_id: id, clickhouse_settings: { log_queries: 1 } });
          queryMs.push(await timed(() => queryOnly(ch, { database, table, date: DATE }, ids.query)));
          peerMs.push(await timed(() => logged(peerSql({ database, table, date: DATE }), ids.peer)));
          floorMs.push(await timed(() => logged(floorSql({ database, table, date: DATE }), ids.floor)));
        }
      } finally {
        const peak = await worker.stop();
        const a = median(temporalMs);
        const b = median(bareMs);
        // (a) and (b) run in turn, so each pair saw the same machine load: the median of the pair ratios.
        const ratios = temporalMs.map((t, i) => t / bareMs[i]!);
        console.log(`agents in the file                          ${agents}`);
        console.log(
          `(a) export through Temporal, end to end     ${seconds(a)}   (runs: ${temporalMs.map(seconds).join(', ')})`,
        );
        console.log(
          `(b) bare Node process: query, CSV, upload   ${seconds(b)}   (runs: ${bareMs.map(seconds).join(', ')})`,
        );
        console.log(
          `(a)/(b), median of pairs                    ${median(ratios).toFixed(2)}   (target <= 1.25; pairs: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
        );
        console.log(`ClickHouse query alone                      ${seconds(median(queryMs))}`);
        const [peer, floor] = [median(peerMs), median(floorMs)];
        console.log(`peer script's query (GROUP BY id + argMax)  ${seconds(peer)}`);
        console.log(`floor: per-agent aggregation, no dedupe     ${seconds(floor)}`);
        console.log(`(a) / floor                                 ${(a / floor).toFixed(2)}   (target <= 3)`);
        console.log(`(a) / peer                                  ${(a / peer).toFixed(2)}   (target <= 0.5)`);
        const cpu = await serverCpuMs(
          ch,
          cpuIds.flatMap((r) => [r.query, r.peer, r.floor]),
        );
        const cpuOf = (k: 'query' | 'peer' | 'floor') => {
          const xs = cpuIds.map((r) => cpu.get(r[k])).filter((x): x is number => x !== undefined);
          return xs.length === cpuIds.length && xs.length > 0 ? median(xs) : undefined;
        };
        const [cq, cp, cf] = [cpuOf('query'), cpuOf('peer'), cpuOf('floor')];
        if (cq !== undefined && cp !== undefined && cf !== undefined) {
          console.log(
            `ClickHouse CPU (user+sys): query ${seconds(cq)}, peer ${seconds(cp)}, floor ${seconds(cf)}; query/floor ${(cq / cf).toFixed(2)}, query/peer ${(cq / cp).toFixed(2)}`,
          );
        }
        // The targets are in MB (10^6 bytes): 150 MB is 143 MiB. VmHWM counts KiB.
        const mb = (peak * 1024) / 1e6;
        console.log(
          `worker peak RSS                             ${(peak / 1024).toFixed(0)} MiB = ${mb.toFixed(0)} MB   (targets: < 300 MB, then <= 150 MB)`,
        );
      }
    }
  }
});
