import { stubManifest, useTimeSkipping } from '../helpers/time-skipping';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { PlanningActivities, ExportActivities } from '../../activities';
import type { BackfillInput } from '../../common/backfill-types';
import type { DayPlan } from '../../common/day-state';
import { dayRange } from '../../common/calendar';
import { backfillTaskQueue, backfillWorkflowId, dayWorkflowId } from '../../common/workflow-ids';
import { dayWindow } from '../../lib/days/day-window';
import type { PrecomputedDay, WindowStats } from '../../common/export-types';
import type { backfillDays } from '../../workflows';

type All = ExportActivities & PlanningActivities;
type Stubs = { [K in keyof All]: (...args: Parameters<All[K]>) => Promise<unknown> };

const stats = (date: string): WindowStats => {
  const w = dayWindow(date, 'UTC');
  return { ...w, sourceRows: 10, fingerprint: '10:ab' };
};

/** Activities that answer like healthy services, fast; `onUpload` sees each day's upload. */
function stubs(
  onUpload: (date: string) => Promise<void>,
  counters: { computeBatch: number; computeMetrics: number; planDays?: number },
): Stubs {
  return {
    planDays: async (q) => {
      counters.planDays = (counters.planDays ?? 0) + 1;
      return q.days.map((date): DayPlan => ({
        date,
        state: 'missing',
        detail: 'never exported',
        sourceRows: 10,
        fingerprint: '10:ab',
        delivery: { state: 'missing', detail: 'no manifest' },
        action: 'run',
        why: 'missing',
      }));
    },
    computeBatch: async (input) => {
      counters.computeBatch += 1;
      return input.days.map((date): PrecomputedDay => ({
        stats: stats(date),
        written: { stagingKey: `s/${date}`, bytes: 10, sha256: 'aa', rows: 2 },
        computed: {
          agentRows: 2,
          includedCalls: 9,
          sourceRows: 10,
          fingerprint: '10:ab',
          leftOut: { duplicateRows: 0, negativeDuration: 1, otherStatus: 0 },
          queryMs: 1,
        },
      }));
    },
    planScheduledRun: async () => ({ day: '2024-01-01', lookback: [] }),
    awaitExport: async () => {
      throw new Error('not expected');
    },
    removeStaged: async (input) => input.keys.length,
    checkData: async (input) => stats(input.date),
    findDelivery: async () => ({ state: 'missing', detail: 'no manifest' }),
    computeMetrics: async () => {
      counters.computeMetrics += 1;
      throw new Error('a batched day must not compute alone');
    },
    writeCsv: async () => {
      throw new Error('a batched day must not write its CSV alone');
    },
    uploadCsv: async (input) => {
      await onUpload(input.date);
      return { key: `k/${input.date}`, bytes: 10, sha256: 'aa' };
    },
    verifyCsv: async (input) => ({ ...input }),
    writeManifest: async (m) => stubManifest(m),
    discardStaged: async () => undefined,
  };
}

describe('backfillDays workflow (time-skipping server)', function () {
  this.timeout(600_000);
  const suite = useTimeSkipping({ dateSearchAttribute: true });

  const input = (from: string, to: string, overrides: Partial<BackfillInput> = {}): BackfillInput => ({
    from,
    to,
    concurrency: 3,
    force: false,
    only: 'all',
    chunkDays: 31,
    template: {
      exportName: 'default',
      table: 'conversations',
      prefix: 'p',
      timezone: 'UTC',
      statuses: ['Answered'],
      minRows: 1,
      onEmpty: 'fail',
      pollIntervalMs: 600_000,
      waitTimeoutMs: 3_600_000,
    },
    ...overrides,
  });

  /**
   * Runs the backfill as the worker process hosts it: the workflows and the activities on a task queue of its own, the
   * activities alone on its backfill queue.
   */
  async function run(activities: Stubs, args: BackfillInput, steps: Stubs = activities) {
    const { worker, taskQueue } = await suite.worker(activities);
    const backfillSteps = await Worker.create({
      connection: suite.env.nativeConnection,
      taskQueue: backfillTaskQueue(taskQueue),
      activities: steps,
    });
    const workflowId = backfillWorkflowId(`t-${randomUUID()}`, args.from, args.to);
    return backfillSteps.runUntil(
      worker.runUntil(async () => {
        const handle = await suite.env.client.workflow.start<typeof backfillDays>('backfillDays', {
          taskQueue,
          workflowId,
          args: [args],
        });
        return { result: await handle.result(), handle, taskQueue };
      }),
    );
  }

  it('runs the backfill and its days on the main task queue and all their activities on the backfill queue', async () => {
    const real = stubs(async () => undefined, { computeBatch: 0, computeMetrics: 0 });
    const ranOn: string[] = [];
    /** The stubs, each noting `<step> on <queue>` where it ran: the queue's name, or "main" for the worker's own. */
    const noting = (queue: 'main' | 'backfill'): Stubs =>
      Object.fromEntries(
        Object.entries(real).map(([name, stub]) => [
          name,
          async (...args: never[]) => {
            const local = Context.current().info.isLocal;
            ranOn.push(`${name} on ${queue}${local ? ' (local)' : ''}`);
            return (stub as (...a: never[]) => Promise<unknown>)(...args);
          },
        ]),
      ) as Stubs;
    const args = input('2022-03-01', '2022-03-02', { template: { ...input('', '').template, exportName: 'steps' } });
    const { result, handle, taskQueue } = await run(noting('main'), args, noting('backfill'));
    assert.equal(result.counts.exported, 2);
    assert.equal((await handle.describe()).taskQueue, taskQueue);
    const day = await suite.env.client.workflow.getHandle(dayWorkflowId('steps', '2022-03-01')).describe();
    assert.equal(day.taskQueue, taskQueue, 'the day runs on the main queue, not on its own workflow thread');
    assert.deepEqual([...new Set(ranOn)].sort(), [
      'computeBatch on backfill',
      'planDays on backfill',
      'removeStaged on backfill',
      // The quick S3 steps are local activities: they run in the worker that runs the day's workflow task.
      'uploadCsv on main (local)',
      'verifyCsv on main (local)',
      'writeManifest on main (local)',
    ]);
  });

  it('exports at most `concurrency` days at once, and a failed day does not stop the others', async () => {
    let now = 0;
    let peak = 0;
    const counters = { computeBatch: 0, computeMetrics: 0, planDays: 0 };
    const activities = stubs(async (date) => {
      now += 1;
      peak = Math.max(peak, now);
      await delay(30);
      now -= 1;
      if (date === '2024-01-05') throw ApplicationFailure.nonRetryable('disk on fire', 'Boom');
    }, counters);
    const { result } = await run(activities, input('2024-01-01', '2024-01-12'));
    assert.equal(counters.planDays, 1, 'the run plans all its days at once: one pass over the table');
    // A batched day's run is one workflow task: verify, upload and manifest are local activities (markers).
    const day = await suite.env.client.workflow.getHandle('agent-metrics-default-2024-01-02').fetchHistory();
    const events = day.events ?? [];
    assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes).length, 0, 'no activity task');
    assert.equal(events.filter((e) => e.workflowTaskCompletedEventAttributes).length, 1, 'one workflow task');
    const steps = events.flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
    });
    assert.deepEqual(steps.slice(0, 3), ['verifyCsv', 'uploadCsv', 'writeManifest']);
    assert.equal(peak, 3);
    assert.equal(result.counts.done, 12);
    const failed = result.failures;
    assert.deepEqual(
      failed.map((o) => o.date),
      ['2024-01-05'],
    );
    assert.match(failed[0]!.detail, /disk on fire/);
    assert.equal(result.counts.exported, 11);
    assert.equal(result.latest.filter((o) => o.result === 'exported').length, 11);
    assert.equal(counters.computeBatch, 2, 'one batch query for the first 7 days, one for the other 5');
    assert.equal(counters.computeMetrics, 0);
  });

  it('runs a 365-day range within the history limits by continuing as new every 93 days', async () => {
    const counters = { computeBatch: 0, computeMetrics: 0, planDays: 0 };
    const { result, handle } = await run(
      stubs(async () => undefined, counters),
      input('2023-01-01', '2023-12-31', { concurrency: 8 }),
    );
    assert.equal(result.counts.done, 365);
    assert.equal(result.counts.exported, 365);
    assert.equal(counters.planDays, 4, 'one plan of all its days in each of the 4 runs');
    assert.equal(new Set(result.latest.map((o) => o.date)).size, 50, 'the last 50 days that ended are named');
    assert.ok(result.latest.every((o) => o.date >= '2023-10-07'));
    // Each 93-day run: a 7-day chunk first (exports start early), then 31-day chunks: 4 batch queries a run.
    assert.equal(counters.computeBatch, 16);
    const lengths: number[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId) {
      const history: Awaited<ReturnType<typeof handle.fetchHistory>> = await suite.env.client.workflow
        .getHandle(handle.workflowId, runId)
        .fetchHistory();
      const events = history.events ?? [];
      lengths.push(events.length);
      const next: string | null | undefined =
        events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      runId = next ?? undefined;
    }
    assert.equal(lengths.length, 4);
    assert.ok(Math.max(...lengths) < 1_500, `history lengths ${lengths.join(', ')}`);
  });

  it('carries a bounded tally across continue-as-new: a long all-failed range stays far under the 2 MB payload limit', async () => {
    const counters = { computeBatch: 0, computeMetrics: 0 };
    // Each day fails with the longest detail a failure gives (failureText keeps 500 characters).
    const activities = stubs(async (date) => {
      throw ApplicationFailure.nonRetryable(`${date}: ${'the CSV does not verify; '.repeat(30)}`, 'Boom');
    }, counters);
    const { result, handle } = await run(activities, input('2023-01-01', '2023-07-19', { concurrency: 8 }));
    assert.equal(result.counts.done, 200);
    assert.equal(result.counts.failed, 200);
    assert.deepEqual(
      result.failures.map((o) => o.date),
      dayRange('2023-01-01', '2023-02-19'),
      'the first 50 failed days by date',
    );
    const carried: number[] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId) {
      const history: Awaited<ReturnType<typeof handle.fetchHistory>> = await suite.env.client.workflow
        .getHandle(handle.workflowId, runId)
        .fetchHistory();
      const next = history.events?.[history.events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes;
      if (next) carried.push((next.input?.payloads ?? []).reduce((n, p) => n + (p.data?.length ?? 0), 0));
      runId = next?.newExecutionRunId ?? undefined;
    }
    assert.equal(carried.length, 2, 'two continue-as-new after 93 and 186 days');
    // Today's outcomes of 186 such days alone would be ~120 kB; the tally stays the same size however long the range.
    assert.ok(Math.max(...carried) < 50_000, `carried payloads of ${carried.join(', ')} bytes`);
    assert.ok(carried[1]! - carried[0]! < 2_000, `the carried payload does not grow: ${carried.join(', ')} bytes`);
  });
});
