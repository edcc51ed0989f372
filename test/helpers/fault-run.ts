import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ClickHouseClient } from '@clickhouse/client';
import { dayWindow } from '../../lib/days/day-window';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { uuid } from '../../tools/generate/expressions';
import { insertCalls, type CallRow } from './conversations-table';
import { dayOutcome, leftovers, outcomeProblems, type DayOutcome } from './day-outcome';
import type { FaultRow } from './fault-table';
import { HoldingProxy } from './holding-proxy';
import { spawnWorker } from './worker-process';

export type WorkerProcess = Awaited<ReturnType<typeof spawnWorker>>;

/** A worker whose ClickHouse and S3 traffic goes through holding proxies, so a test can stop it inside a request. */
export interface ProxiedWorker {
  readonly worker: WorkerProcess;
  readonly clickhouse: HoldingProxy;
  readonly s3: HoldingProxy;
  close(): Promise<void>;
}

/** Starts a worker process on `env`'s task queue that reaches ClickHouse and S3 through its own proxies. */
export async function spawnProxiedWorker(env: NodeJS.ProcessEnv): Promise<ProxiedWorker> {
  const clickhouse = await HoldingProxy.start(`http://${env.CLICKHOUSE_HOST}:${env.CLICKHOUSE_PORT}`);
  const s3 = await HoldingProxy.start(env.S3_ENDPOINT ?? '');
  const worker = await spawnWorker({
    ...env,
    CLICKHOUSE_HOST: '127.0.0.1',
    CLICKHOUSE_PORT: new URL(clickhouse.url).port,
    S3_ENDPOINT: s3.url,
  });
  return {
    worker,
    clickhouse,
    s3,
    close: async () => {
      await worker.stop();
      await Promise.all([clickhouse.close(), s3.close()]);
    },
  };
}

/** SIGKILLs a worker process and resolves once it is gone. */
export function killWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** A small day: `agents` agents with `callsEach` answered calls each, spread over the day. */
export function smallDay(date: string, agents: number, callsEach: number): CallRow[] {
  const w = dayWindow(date, 'UTC');
  const ids = Array.from({ length: agents }, () => randomUUID());
  return Array.from({ length: agents * callsEach }, (_, i) => ({
    agentId: ids[i % agents]!,
    start: w.startEpoch + ((i * 7_919) % 86_400),
    duration: (i * 31) % 900,
  }));
}

export async function insertSmallDay(ch: ClickHouseClient, database: string, table: string, date: string) {
  await insertCalls(ch, database, table, smallDay(date, 40, 5));
}

/**
 * A large day made inside ClickHouse (INSERT … SELECT from numbers()): `agents` agents with two calls each, so the
 * staged metrics and the CSV are several MiB and go to S3 as multipart uploads.
 */
export async function insertLargeDay(
  ch: ClickHouseClient,
  database: string,
  table: string,
  date: string,
  agents: number,
): Promise<void> {
  const w = dayWindow(date, 'UTC');
  const agentId = uuid('cityHash64(7, agent)', 'cityHash64(8, agent)');
  const conversationId = uuid('cityHash64(9, number)', 'cityHash64(10, number)');
  await ch.command({
    query: `INSERT INTO ${qualifiedName(database, table)}
(customer_id, conversation_id, agent_id, call_start, call_end, call_duration_sec, call_status, transcript,
 sentiment_score, keywords, created_at, updated_at)
SELECT toUUID('11111111-1111-4111-8111-111111111111'), ${conversationId}, ${agentId}, toDateTime(s), toDateTime(s + d),
  d, 'Answered', '', 0.5, emptyArrayString(), toDateTime(s), toDateTime(s + d)
FROM (SELECT number, intDiv(number, 2) AS agent, ${w.startEpoch} + (number * 7919) % 86400 AS s,
  toInt32((number * 31) % 900) AS d FROM system.numbers LIMIT ${agents * 2})`,
  });
}

/** Compares a faulted run's outcome with the clean run's and makes the table row. */
export async function judge(
  s3: S3Client,
  bucket: string,
  fault: { name: string; prefix: string; date: string; started: number },
  clean: DayOutcome,
  extra: { runError?: unknown; problems?: string[] } = {},
): Promise<{ row: FaultRow; problems: string[]; outcome: DayOutcome }> {
  const outcome = await dayOutcome(s3, bucket, fault.prefix, fault.date);
  const problems = [
    ...(extra.runError ? [`run failed: ${(extra.runError as Error).message}`] : []),
    ...outcomeProblems(outcome, clean),
    ...(extra.problems ?? []),
  ];
  const row: FaultRow = {
    fault: fault.name,
    survived: !extra.runError && outcome.manifest !== undefined,
    bytesIdentical: outcome.csvSha256 === clean.csvSha256,
    leftovers: leftovers(outcome),
    seconds: (Date.now() - fault.started) / 1000,
    note: problems.join('; '),
  };
  return { row, problems, outcome };
}
