import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { exportTemplate } from '../../client/command-input';
import { exportInput } from '../../client/export-input';
import { startBackfill, watchBackfill } from '../../client/start-backfill';
import { startExportDay } from '../../client/start-export';
import { parseManifest } from '../../common/manifest';
import { manifestKey } from '../../lib/s3/keys';
import { addDays, dayRange } from '../../common/calendar';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { generateConversations } from '../generate/calls';
import { spawnBenchWorker } from './worker-process';
import { backfillBreakdown, cpuReading, stackProcesses } from './backfill-breakdown';
import type { Services } from '../../lib/services';
import { runBench } from './main';

/**
 * Backfill vs one export at a time: a table of BENCH_DAYS (90) days × BENCH_CALLS_PER_DAY (200,000) calls, then
 * (a) one backfill of every day (--force) and (b) the same days exported one after another, each with startExportDay
 * and its result (force). Both write every file; the files must come out identical. Uses the worker already serving
 * TEMPORAL_TASK_QUEUE, or, with BENCH_SPAWN_WORKER=1, starts dist/worker/main.js on a queue of its own.
 */
const DAYS = Number(process.env.BENCH_DAYS ?? 90);
const CALLS = Number(process.env.BENCH_CALLS_PER_DAY ?? 200_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 1_000);
// Far from the days tests pick, so no test's `agent-metrics-D` run is ever attached to.
const FROM = process.env.BENCH_FROM ?? '1999-01-01';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function ensureTable(ch: Services['clickhouse'], database: string, table: string, tz: string) {
  const n = await ensureConversationsTable(ch, database, table);
  if (n >= DAYS * CALLS) return `reused, ${n.toLocaleString('en-US')} rows`;
  if (n > 0) await ch.command({ query: `TRUNCATE TABLE ${qualifiedName(database, table)}` });
  const s = await generateConversations(ch, {
    database,
    table,
    from: FROM,
    to: addDays(FROM, DAYS - 1),
    callsPerDay: CALLS,
    agents: AGENTS,
    seed: 90,
    timezone: tz,
  });
  return `generated ${s.rows.toLocaleString('en-US')} rows in ${seconds(s.elapsedMs)}`;
}

runBench(async ({ config, services, client }) => {
  const { clickhouse: ch, s3 } = services;
  const database = config.clickhouse.CLICKHOUSE_DATABASE;
  const tz = config.export.EXPORT_TIMEZONE;
  const table = `bench_backfill_${DAYS}x${CALLS}`;
  const days = dayRange(FROM, addDays(FROM, DAYS - 1));
  const run = randomBytes(3).toString('hex');
  const spawned = process.env.BENCH_SPAWN_WORKER === '1';
  const queue = spawned ? `bench-backfill-${run}` : config.temporal.TEMPORAL_TASK_QUEUE;
  const worker = spawned ? await spawnBenchWorker({ ...process.env, TEMPORAL_TASK_QUEUE: queue }) : undefined;
  try {
    console.log(`agent-metrics backfill bench: ${cpus().length} cores, Node ${process.version}, task queue ${queue}`);
    console.log(
      `table ${database}.${table}: ${DAYS} days × ${CALLS.toLocaleString('en-US')} calls (${await ensureTable(ch, database, table, tz)})`,
    );
    // Warm the page cache the same way for both contenders.
    await ch.query({
      query: `SELECT count(), sum(cityHash64(toString(conversation_id), call_start)) FROM ${qualifiedName(database, table)}`,
    });
    const settings = { ...config.export, CLICKHOUSE_TABLE: table };

    const backfillPrefix = `bench/backfill-${run}/batch`;
    const processes = stackProcesses(process.cwd(), { worker: worker?.pid });
    const cpuBefore = cpuReading(processes);
    const t0 = Date.now();
    const { handle } = await startBackfill(client, queue, {
      from: days[0]!,
      to: days[days.length - 1]!,
      concurrency: config.schedule.BACKFILL_CONCURRENCY,
      force: true,
      only: 'all',
      template: exportTemplate({ ...settings, S3_PREFIX: backfillPrefix }),
      chunkDays: config.schedule.BACKFILL_CHUNK_DAYS,
      queryThreads: config.schedule.BACKFILL_QUERY_THREADS,
    });
    let shown = -1;
    const final = await watchBackfill(handle, (p) => {
      const done = p.counts.done;
      if (done === shown || (done % 10 !== 0 && done !== p.total)) return;
      shown = done;
      console.log(`  backfill: ${done}/${p.total} days after ${seconds(Date.now() - t0)} (${p.phase})`);
    });
    const backfillMs = Date.now() - t0;
    const cpu = { before: cpuBefore, after: cpuReading(processes) };
    const c = final.counts;
    const threads = config.schedule.BACKFILL_QUERY_THREADS || 'server default';
    console.log(
      `(a) backfill of ${DAYS} days, concurrency ${final.concurrency}, query threads ${threads}: ` +
        `${seconds(backfillMs)} (${c.exported} verified, ${c.failed} failed)`,
    );
    const { workflowId, firstExecutionRunId: runId } = handle;
    for (const line of await backfillBreakdown({ client, ch, workflowId, runId, table, cpu })) console.log(line);

    const singlePrefix = `bench/backfill-${run}/single`;
    const single: Record<string, string> = {};
    const t1 = Date.now();
    for (const [i, date] of days.entries()) {
      const input = exportInput(date, { ...settings, S3_PREFIX: singlePrefix }, { force: true, trigger: 'manual' });
      single[date] = (await (await startExportDay(client, queue, input)).result()).sha256;
      if ((i + 1) % 10 === 0) console.log(`  one at a time: ${i + 1}/${DAYS} days after ${seconds(Date.now() - t1)}`);
    }
    const singleMs = Date.now() - t1;
    console.log(
      `(b) ${DAYS} single-day exports one after another: ${seconds(singleMs)} (${seconds(singleMs / DAYS)} a day)`,
    );

    let identical = 0;
    for (const date of days) {
      const res = await s3.send(
        new GetObjectCommand({ Bucket: config.s3.S3_BUCKET_NAME, Key: manifestKey(backfillPrefix, date) }),
      );
      if (parseManifest(await res.Body!.transformToString()).csv.sha256 === single[date]) identical += 1;
    }
    console.log(`files identical (SHA-256) between (a) and (b): ${identical}/${DAYS}`);
    console.log(`(b)/(a) = ${(singleMs / backfillMs).toFixed(1)}×   (targets: ≥ 5×, then ≥ 10×)`);
    if (c.failed > 0 || identical !== DAYS) process.exitCode = 1;
  } finally {
    await worker?.stop();
  }
});
