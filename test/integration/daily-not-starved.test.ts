import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, type ScheduleOptions } from '@temporalio/client';
import { scheduleOptions } from '../../client/schedule-options';
import { addDays, dayRange } from '../../common/calendar';
import { backfillWorkflowId, dayWorkflowId } from '../../common/workflow-ids';
import { loadConfig } from '../../lib/config';
import { dayWindow } from '../../lib/days/day-window';
import { ensureBuilt } from '../helpers/build';
import { finished, printed, spawnCli } from '../helpers/cli-process';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomId } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';
import { spawnWorker } from '../helpers/worker-process';

/** A few calls of each day, so every day of the backfill has work to do. */
function rows(days: readonly string[]): CallRow[] {
  const agents = [randomUUID(), randomUUID(), randomUUID()];
  return days.flatMap((date) => {
    const w = dayWindow(date, 'UTC');
    return Array.from({ length: 6 }, (_, i) => ({
      agentId: agents[i % 3]!,
      start: w.startEpoch + i * 3_600,
      duration: 30 + i,
    }));
  });
}

type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;
const ms = (t: Timestamp) => Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

/**
 * A run's steps as its history tells: when the first one started, and how long each waited between being scheduled
 * and a worker taking it (the time a step spends queued behind other work: what starvation is made of).
 */
async function steps(client: Client, workflowId: string, runId?: string) {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const scheduledAt = new Map<string, number>();
  const waits: number[] = [];
  let firstStart = Infinity;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) scheduledAt.set(String(e.eventId), ms(e.eventTime));
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      firstStart = Math.min(firstStart, ms(e.eventTime));
      waits.push(ms(e.eventTime) - (scheduledAt.get(String(started.scheduledEventId)) ?? ms(e.eventTime)));
    }
  }
  return { firstStart, waits };
}

/**
 * Deliverable: the daily run is never starved. A 365-day backfill started the way an operator starts it (the
 * backfill command) keeps one worker process busy, with few activity slots; a schedule fires meanwhile. Its run must
 * start its first step within 5 s of the scheduled time and finish while the backfill still runs.
 */
describe('the daily run during a 365-day backfill', function () {
  this.timeout(600_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const exportName = `t-${randomBytes(4).toString('hex')}`;
  const queue = `test-${randomUUID()}`;
  const scheduleId = `agent-metrics-test-${randomUUID()}`;
  let table: string;
  let client: Client;

  before(async () => {
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  after(async () => {
    await client?.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await client?.connection.close();
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  it('starts the scheduled day within 5 s of its time and finishes it while the backfill runs', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = addDays(today, -1);
    const [from, to] = [addDays(today, -376), addDays(today, -12)];
    await insertCalls(ctx.clickhouse, database, table, rows([...dayRange(from, to), yesterday]));
    const env: Record<string, string> = {
      ...(ctx.env as Record<string, string>),
      EXPORT_NAME: exportName,
      CLICKHOUSE_TABLE: table,
      S3_PREFIX: randomId('test'),
      TEMPORAL_TASK_QUEUE: queue,
      // Few activity slots, so a backfill fills them all: the case where the daily run used to wait.
      WORKER_MAX_CONCURRENT_ACTIVITIES: '2',
      BACKFILL_CHUNK_DAYS: '31',
    };
    const worker = await spawnWorker(env);
    const backfill = spawnCli('backfill', ['--from', from, '--to', to, '--concurrency', '16'], env, {
      build: 'compiled',
    });
    const backfillDone = finished(backfill);
    try {
      await printed(backfill, /days done: exported [1-9]/, 180_000, 'stderr');
      // The schedule fires 10 s from now, to the second: its run exports yesterday (UTC), no lookback.
      const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000);
      const config = loadConfig(['temporal', 'export', 'schedule'], {
        ...env,
        SCHEDULE_ID: scheduleId,
        EXPORT_TIMEZONE: 'UTC',
        SCHEDULE_TIMEZONE: 'UTC',
        LOOKBACK_DAYS: '0',
      });
      const options = scheduleOptions(config);
      await client.schedule.create({
        ...options,
        scheduleId,
        spec: {
          calendars: [{ hour: at.getUTCHours(), minute: at.getUTCMinutes(), second: at.getUTCSeconds() }],
          timezone: 'UTC',
        },
      } as ScheduleOptions);
      let runId: string | undefined;
      let workflowId = '';
      while (!runId) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const action = (await client.schedule.getHandle(scheduleId).describe()).info.recentActions[0];
        if (action) ({ workflowId, firstExecutionRunId: runId } = action.action.workflow);
        assert.ok(Date.now() - at.getTime() < 60_000, 'the schedule started no run within a minute');
      }
      await client.workflow.getHandle(workflowId, runId).result();
      const day = await client.workflow.getHandle(dayWorkflowId(exportName, yesterday)).describe();
      const run = await steps(client, workflowId, runId);
      const dayRun = await steps(client, day.workflowId, day.runId);
      const startedMs = run.firstStart - at.getTime();
      const finishedMs = (day.closeTime?.getTime() ?? Infinity) - at.getTime();
      const longestWait = Math.max(...run.waits, ...dayRun.waits);
      const backfillState = await client.workflow.getHandle(backfillWorkflowId(exportName, from, to)).describe();
      process.stdout.write(
        `      scheduled run: first step ${startedMs} ms after its time, day ${yesterday} exported ` +
          `${finishedMs} ms after it; longest wait of a step for a worker ${longestWait} ms ` +
          `(${run.waits.length + dayRun.waits.length} steps); backfill ${backfillState.status.name}\n`,
      );
      assert.equal(day.status.name, 'COMPLETED');
      assert.ok(startedMs <= 5_000, `the scheduled run's first step started ${startedMs} ms after its time`);
      // A free worker slot takes a step in milliseconds; behind a backfill's steps it waits seconds.
      assert.ok(longestWait <= 1_000, `a step of the scheduled day waited ${longestWait} ms for a worker`);
      assert.equal(backfillState.status.name, 'RUNNING', 'the backfill was still running: the two overlapped');
    } finally {
      await client.workflow
        .getHandle(backfillWorkflowId(exportName, from, to))
        .terminate('test done')
        .catch(() => undefined);
      backfill.kill('SIGTERM');
      await backfillDone;
      await worker.stop();
    }
  });
});
