import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { startExportDay } from '../../client/start-export';
import { dayWindow } from '../../lib/days/day-window';
import { dayWorkflowId } from '../../common/workflow-ids';
import { ensureBuilt } from '../helpers/build';
import type { ChildProcess } from 'node:child_process';
import { finished, runCli, spawnCli } from '../helpers/cli-process';
import { createConversationsTable, dropTable } from '../helpers/conversations-table';
import { dayOutcome, type DayOutcome } from '../helpers/day-outcome';
import { testInput } from '../helpers/export-input';
import {
  insertLargeDay,
  insertSmallDay,
  isAlive,
  judge,
  killWorker,
  spawnProxiedWorker,
  type ProxiedWorker,
  type WorkerProcess,
} from '../helpers/fault-run';
import { publishFaultTable, type FaultRow } from '../helpers/fault-table';
import type { SeenRequest } from '../helpers/holding-proxy';
import { randomId } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { startService, stopService } from '../helpers/stack';
import { stackContext } from '../helpers/stack-context';
import { spawnWorker } from '../helpers/worker-process';
import { completedLocalSteps, completedSteps, stepStarted } from '../helpers/workflow-steps';

/**
 * The fault matrix (issue 8): each case exports a day while something breaks, then compares the day with a clean run
 * of the same day: the same CSV bytes, a manifest that matches them, nothing left under `_staging/`, no incomplete
 * multipart upload, and every worker alive unless the case killed it. The table lands in .stack/fault-matrix.md.
 *
 * The worker-kill cases run side by side in the background while the other cases run: a worker killed inside a quick
 * step (no heartbeat) is only noticed at the step's 5-minute start-to-close timeout, so the tier lasts about that long.
 */

/**
 * The export steps in the order a worker is killed in them, with the request that proves a worker is inside each.
 * `local`: the step runs as a local activity (workflows/activity-options.ts), inside the worker's workflow task, so
 * the server lists it as no pending activity and the next worker runs it again after the task timed out.
 */
const KILL_STEPS: {
  step: string;
  local?: true;
  inside: (req: SeenRequest, day: { prefix: string; startEpoch: number }) => boolean;
}[] = [
  {
    step: 'checkData',
    inside: (r, d) => r.body.includes(`call_start >= ${d.startEpoch} `) && r.body.includes('row_hash_sum'),
  },
  {
    step: 'findDelivery',
    local: true,
    inside: (r, d) => r.method === 'GET' && r.url.includes(`/${d.prefix}/`) && r.url.includes('_manifest.json'),
  },
  {
    step: 'computeMetrics',
    inside: (r, d) =>
      ['PUT', 'POST'].includes(r.method) && r.url.includes(`/${d.prefix}/_staging/`) && r.url.includes('metrics.jsonl'),
  },
  {
    step: 'writeCsv',
    inside: (r, d) => r.method === 'GET' && r.url.includes(`/${d.prefix}/_staging/`) && r.url.includes('metrics.jsonl'),
  },
  {
    step: 'verifyCsv',
    inside: (r, d) => r.method === 'GET' && r.url.includes(`/${d.prefix}/`) && /agent_metrics_[\d-]+\.csv/.test(r.url),
  },
  {
    step: 'uploadCsv',
    local: true,
    inside: (r, d) =>
      r.url.includes(`/${d.prefix}/`) &&
      (r.headers['x-amz-copy-source'] !== undefined || (r.method === 'DELETE' && r.url.includes('_manifest.json'))),
  },
  {
    step: 'writeManifest',
    local: true,
    inside: (r, d) => r.method === 'PUT' && r.url.includes(`/${d.prefix}/`) && r.url.includes('_manifest.json'),
  },
];

/** Days far apart, so no case shares a workflow id (`agent-metrics-D`) with another or with another test file. */
function faultDays(n: number): string[] {
  const first = Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 3_000) * 86_400_000;
  return Array.from({ length: n }, (_, i) => new Date(first + i * 86_400_000).toISOString().slice(0, 10));
}

describe('fault matrix: a day survives faults with the same bytes as a clean run', function () {
  this.timeout(900_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const bucket = ctx.deps.bucket;
  let tierStarted = Date.now();
  const rows: FaultRow[] = [];
  const cleanPrefix = randomId('clean');
  const days = faultDays(KILL_STEPS.length + 5);
  const [clickhouseDay, minioDay, temporalDay, raceDay, corruptDay] = days.slice(KILL_STEPS.length);
  const clean = new Map<string, DayOutcome>();
  let table: string;
  let client: Client;
  let cleanEnv: NodeJS.ProcessEnv;
  let cleanWorker: WorkerProcess | undefined;
  const killRuns = new Map<string, Promise<KillRun>>();
  /** Services a case stopped and has not started again (started in its `finally`). */
  const down = new Set<'clickhouse' | 'minio' | 'temporal'>();
  let survivorStopped: Promise<unknown> = Promise.resolve();

  /** Settings of a worker or command of one case: its own task queue and S3 prefix, short data waits. */
  const caseEnv = (prefix: string): NodeJS.ProcessEnv => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: table,
    S3_PREFIX: prefix,
    TEMPORAL_TASK_QUEUE: `faults-${randomUUID()}`,
    DATA_WAIT_TIMEOUT: '2s',
    DATA_POLL_INTERVAL: '1s',
    // Several workers run at once: none serves Prometheus metrics (the stack's METRICS_ADDRESS is for one worker).
    METRICS_ADDRESS: 'off',
  });
  const start = (env: NodeJS.ProcessEnv, date: string, force = false) =>
    startExportDay(client, env.TEMPORAL_TASK_QUEUE!, testInput(date, table, env.S3_PREFIX!, { force }));
  const record = (row: FaultRow) => {
    rows.push(row);
    return row;
  };

  /** Exports `dates` once, with no fault, to the clean prefix: what each case must reproduce byte for byte. */
  async function cleanRun(dates: readonly string[]): Promise<void> {
    const handles = await Promise.all(dates.map((d) => start(cleanEnv, d)));
    await Promise.all(handles.map((h) => h.result()));
    for (const d of dates) clean.set(d, await dayOutcome(ctx.s3, bucket, cleanPrefix, d));
  }

  /**
   * One worker takes every kill-case run; each run is held inside its step at the worker's proxies, then the worker
   * is SIGKILLed with all of them in flight and a second worker, already polling, must finish them all.
   */
  async function launchKillRuns(): Promise<void> {
    const prefixes = KILL_STEPS.map(() => randomId('kill'));
    const env = caseEnv(prefixes[0]!);
    const cases = KILL_STEPS.map((k, i) => ({ ...k, date: days[i]!, prefix: prefixes[i]!, started: Date.now() }));
    const within = (req: SeenRequest) =>
      cases.some((c) => c.inside(req, { prefix: c.prefix, startEpoch: dayWindow(c.date, 'UTC').startEpoch }));
    const victim = await spawnProxiedWorker(env);
    let survivor: WorkerProcess;
    let handles: WorkflowHandle[];
    try {
      victim.clickhouse.hold(within);
      victim.s3.hold(within);
      handles = await Promise.all(cases.map((c) => start({ ...env, S3_PREFIX: c.prefix }, c.date)));
      await Promise.all(cases.map((c, i) => (c.local ? undefined : stepStarted(handles[i]!, c.step, 120_000))));
      await waitUntil(() => cases.every((c) => heldFor(victim, c)), 60_000, 'every kill case held in its step');
      survivor = await spawnWorker(env);
    } finally {
      await killWorker(victim.worker.child);
      await Promise.all([victim.clickhouse.close(), victim.s3.close()]);
    }
    const results = cases.map((c, i) => finishKillRun(c, handles[i]!, survivor.child));
    for (const [i, c] of cases.entries()) killRuns.set(c.step, results[i]!);
    survivorStopped = Promise.allSettled(results).then(() => survivor.stop());
  }

  function heldFor(victim: ProxiedWorker, c: (typeof KILL_STEPS)[number] & { prefix: string; date: string }) {
    const day = { prefix: c.prefix, startEpoch: dayWindow(c.date, 'UTC').startEpoch };
    return [...victim.clickhouse.heldRequests, ...victim.s3.heldRequests].some((r) => c.inside(r, day));
  }

  /**
   * Waits for a kill case's run to end and notes what can only be seen then (the time, the survivor alive). The day is
   * read back and compared later, in the case's test, when no other case has a service stopped.
   */
  async function finishKillRun(c: KillCase, handle: WorkflowHandle, survivor: ChildProcess): Promise<KillRun> {
    const runError = await settled(handle);
    return { c, handle, runError, seconds: (Date.now() - c.started) / 1000, survivorAlive: isAlive(survivor) };
  }

  /** Compares a kill case's day with a clean run of it, made now (one workflow id per day: the kill run came first). */
  async function judgeKillRun({ c, handle, runError, seconds, survivorAlive }: KillRun) {
    const problems = survivorAlive ? [] : ['the surviving worker died'];
    const retried = c.local
      ? (await completedLocalSteps(handle)).find((s) => s.activityType === c.step && s.afterTaskRetry)
      : (await completedSteps(handle)).find((s) => s.activityType === c.step && s.attempt >= 2);
    if (!runError && !retried) problems.push(`${c.step} did not complete on a retry`);
    await cleanRun([c.date]);
    const fault = { name: `worker SIGKILLed in ${c.step}`, ...c };
    const judged = await judge(ctx.s3, bucket, fault, clean.get(c.date)!, { runError, problems });
    return { ...judged, row: { ...judged.row, seconds } };
  }

  before(async function () {
    tierStarted = Date.now();
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
    for (const d of days.filter((d) => d !== minioDay)) await insertSmallDay(ctx.clickhouse, database, table, d);
    // The kill cases first: they wait out the server's timeouts while the other cases run.
    cleanEnv = caseEnv(cleanPrefix);
    cleanWorker = await spawnWorker(cleanEnv);
    await launchKillRuns();
    // About 6.5 MiB of CSV and more of staged metrics: both go to S3 as multipart uploads.
    await insertLargeDay(ctx.clickhouse, database, table, minioDay!, 100_000);
    await cleanRun(days.slice(KILL_STEPS.length));
  });

  after(async () => {
    await Promise.allSettled(killRuns.values());
    await survivorStopped;
    await cleanWorker?.stop();
    const table_ = publishFaultTable(rows, (Date.now() - tierStarted) / 1000);
    console.log(`\n${table_}`);
    await dropTable(ctx.clickhouse, database, table);
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  it('gives one run and one file when two export commands and two workers race on one day', async () => {
    const started = Date.now();
    const prefix = randomId('race');
    const env = caseEnv(prefix);
    const workers = [await spawnWorker(env), await spawnWorker(env)];
    try {
      const starters = [0, 1].map(() =>
        finished(spawnCli('export', ['--date', raceDay!], env, { build: 'compiled', timeoutMs: 120_000 })),
      );
      const results = await Promise.all(starters);
      const problems = results.filter((r) => r.code !== 0).map((r) => `export exited ${r.code}: ${r.stderr}`);
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${dayWorkflowId('default', raceDay!)}'` })) {
        if (w.taskQueue === env.TEMPORAL_TASK_QUEUE) runs.push(w.runId);
      }
      if (runs.length !== 1) problems.push(`${runs.length} runs for the day, expected one`);
      if (!workers.every((w) => isAlive(w.child))) problems.push('a worker died');
      const fault = { name: 'two starters and two workers race', prefix, date: raceDay!, started };
      const { row, problems: all } = await judge(ctx.s3, bucket, fault, clean.get(raceDay!)!, { problems });
      record(row);
      assert.deepEqual(all, []);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });

  it('keeps serving the old file and says why in status when the staged CSV is corrupted before verify', async () => {
    const started = Date.now();
    const prefix = randomId('corrupt');
    const env = caseEnv(prefix);
    const worker = await spawnProxiedWorker(env);
    try {
      await (await start(env, corruptDay!)).result();
      const old = await dayOutcome(ctx.s3, bucket, prefix, corruptDay!);
      assert.equal(old.csvSha256, clean.get(corruptDay!)?.csvSha256, 'the first export gives the clean bytes');
      // The first request of the step after writeCsv that touches the staged CSV or the final key: reading the staged
      // CSV back (verify before publish) or, in the older order, removing the manifest and copying to the final key.
      worker.s3.hold(
        (r) =>
          r.url.includes(`/${prefix}/`) &&
          ((r.method === 'GET' && r.url.includes('/_staging/') && r.url.includes('.csv')) ||
            r.headers['x-amz-copy-source'] !== undefined ||
            (r.method === 'DELETE' && r.url.includes('_manifest.json'))),
      );
      const handle = await start(env, corruptDay!, true);
      await worker.s3.whenHeld();
      await corruptStagedCsv(prefix, corruptDay!);
      worker.s3.release();
      const runError = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      const problems: string[] = [];
      if (!runError) problems.push('the run succeeded with a corrupted staged CSV');
      const status = await runCli('status', ['--from', corruptDay!, '--to', corruptDay!, '--json'], env, {
        build: 'compiled',
        timeoutMs: 60_000,
      });
      const day = (JSON.parse(status.stdout || '[]') as { state: string; detail: string; lastRunStatus: string }[])[0];
      // Still verified (the old file is served), and the detail names the later run's failure and its cause.
      if (!day || day.state !== 'verified' || !/a later run failed at .*(does not verify|SHA-256)/.test(day.detail)) {
        problems.push(`status does not say why: ${JSON.stringify(day)} ${status.stderr}`);
      }
      if (!isAlive(worker.worker.child)) problems.push('the worker died');
      const fault = { name: 'staged CSV corrupted before verify', prefix, date: corruptDay!, started };
      const judged = await judge(ctx.s3, bucket, fault, old, { problems });
      const row = { ...judged.row, survived: judged.problems.length === 0 };
      record(row);
      assert.deepEqual(judged.problems, []);
    } finally {
      await worker.close();
    }
  });

  it('finishes the day when ClickHouse is stopped mid-compute and started again', async () => {
    const started = Date.now();
    const prefix = randomId('chstop');
    const env = caseEnv(prefix);
    const worker = await spawnProxiedWorker(env);
    try {
      const startEpoch = dayWindow(clickhouseDay!, 'UTC').startEpoch;
      worker.clickhouse.hold(
        (r) => r.body.includes(`call_start >= ${startEpoch} `) && !r.body.includes('row_hash_sum'),
      );
      const handle = await start(env, clickhouseDay!);
      await Promise.all([worker.clickhouse.whenHeld(), stepStarted(handle, 'computeMetrics')]);
      stopService('clickhouse');
      down.add('clickhouse');
      worker.clickhouse.cut();
      await delay(2_000);
      await startService('clickhouse');
      down.delete('clickhouse');
      await checkRun('ClickHouse stopped mid-compute', handle, { prefix, date: clickhouseDay!, started }, [
        worker.worker,
      ]);
    } finally {
      if (down.delete('clickhouse')) await startService('clickhouse');
      await worker.close();
    }
  });

  it('finishes the day when MinIO is stopped during a multipart upload and started again', async () => {
    const started = Date.now();
    const prefix = randomId('miniostop');
    const env = caseEnv(prefix);
    const worker = await spawnProxiedWorker(env);
    try {
      // The second part of the staged CSV: the multipart upload has begun and a part is in flight.
      worker.s3.hold((r) => r.url.includes(`/${prefix}/_staging/`) && /\.csv\?.*partNumber=2/.test(r.url));
      const handle = await start(env, minioDay!);
      await Promise.all([worker.s3.whenHeld(120_000), stepStarted(handle, 'writeCsv', 120_000)]);
      stopService('minio');
      down.add('minio');
      worker.s3.cut();
      await delay(2_000);
      await startService('minio');
      down.delete('minio');
      await checkRun('MinIO stopped mid multipart upload', handle, { prefix, date: minioDay!, started }, [
        worker.worker,
      ]);
    } finally {
      if (down.delete('minio')) await startService('minio');
      await worker.close();
    }
  });

  it('finishes the day when the Temporal dev server is restarted mid-run', async () => {
    const started = Date.now();
    const prefix = randomId('tstop');
    const env = caseEnv(prefix);
    const worker = await spawnProxiedWorker(env);
    try {
      worker.s3.hold((r) => r.url.includes(`/${prefix}/_staging/`) && r.url.includes('metrics.jsonl'));
      const handle = await start(env, temporalDay!);
      await Promise.all([worker.s3.whenHeld(), stepStarted(handle, 'computeMetrics')]);
      stopService('temporal');
      down.add('temporal');
      await startService('temporal');
      down.delete('temporal');
      worker.s3.release();
      await checkRun('Temporal dev server restarted mid-run', handle, { prefix, date: temporalDay!, started }, [
        worker.worker,
      ]);
    } finally {
      if (down.delete('temporal')) await startService('temporal');
      await worker.close();
    }
  });

  for (const { step } of KILL_STEPS) {
    it(`finishes the day on a second worker when the worker is SIGKILLed in ${step}`, async () => {
      const run = await killRuns.get(step);
      assert.ok(run, 'the kill case was launched');
      const result = await judgeKillRun(run);
      record(result.row);
      assert.deepEqual(result.problems, []);
    });
  }

  async function checkRun(
    name: string,
    handle: WorkflowHandle,
    fault: { prefix: string; date: string; started: number },
    workers: { child: ChildProcess }[],
  ): Promise<void> {
    const runError = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    const problems = workers.every((w) => isAlive(w.child)) ? [] : ['a worker died'];
    const { row, problems: all } = await judge(ctx.s3, bucket, { name, ...fault }, clean.get(fault.date)!, {
      runError,
      problems,
    });
    record(row);
    assert.deepEqual(all, []);
  }

  /** Overwrites the run's staged CSV with bytes of the same length that differ in one digit. */
  async function corruptStagedCsv(prefix: string, date: string): Promise<void> {
    const listed = await ctx.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/_staging/${date}/` }),
    );
    const key = (listed.Contents ?? []).map((o) => o.Key ?? '').find((k) => k.endsWith('.csv'));
    assert.ok(key, 'a staged CSV exists');
    const text = await readObject(ctx.s3, bucket, key);
    const at = text.search(/\n[^\n]*\d/) + 40;
    const corrupted = text.slice(0, at) + (text[at] === '1' ? '2' : '1') + text.slice(at + 1);
    await ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: corrupted, ContentType: 'text/csv' }));
  }
});

interface KillCase {
  readonly step: string;
  readonly local?: true;
  readonly date: string;
  readonly prefix: string;
  readonly started: number;
}

interface KillRun {
  readonly c: KillCase;
  readonly handle: WorkflowHandle;
  readonly runError: unknown;
  readonly seconds: number;
  readonly survivorAlive: boolean;
}

/**
 * The run's end: undefined when it completed, else its failure. Asking again while the Temporal server is being
 * restarted by another case (the client's own retries may give up during the restart).
 */
async function settled(handle: WorkflowHandle): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await handle.result();
      return undefined;
    } catch (err) {
      if (err instanceof WorkflowFailedError || attempt >= 60) return err;
      await delay(1_000);
    }
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}
