import { STUB_TEMPLATE } from '../helpers/export-input';
import { stubManifest, useTimeSkipping } from '../helpers/time-skipping';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { ExportActivities, PlanningActivities } from '../../activities';
import type { ScheduledPlanInput } from '../../activities/planning/plan-scheduled';
import { addDays, dayRange } from '../../common/calendar';
import type { DayPlan, DeliveryState } from '../../common/day-state';
import type { ScheduledExportInput } from '../../common/scheduled-types';
import { AGENT_METRICS_EXPORT, dayWorkflowId } from '../../common/workflow-ids';
import { dayWindow } from '../../lib/days/day-window';
import { scheduledDay } from '../../lib/days/schedule-day';
import type { scheduledExport } from '../../workflows';

type All = ExportActivities & PlanningActivities;
type Stubs = { [K in keyof All]: (...args: Parameters<All[K]>) => Promise<unknown> };

/** A lookback day as the planning activity reports it: its state and what the plan does with it. */
type Lookback = Pick<DayPlan, 'state' | 'action'> & { readonly sourceRows?: number };

/** What the stubbed activities saw. */
interface Seen {
  readonly plans: ScheduledPlanInput[];
  /** Each exported day and the reason its manifest gives (`<trigger>: <delivery>`), in the order they finished. */
  readonly exported: { date: string; reason: string }[];
}

/**
 * The planning activity works out the run's day from the nominal time it is given, as the real one does
 * (`scheduledDay`), and reports the lookback days before it with the states and actions of `lookback` (by offset:
 * index 0 is the day before the run's day); the export steps of each child `exportDay` answer like healthy services.
 * `checksBeforeData` makes a day wait for data (durably, in poll intervals) before it is exported.
 */
function stubs(
  seen: Seen,
  lookback: readonly Lookback[] = [],
  options: { checksBeforeData?: Record<string, number>; failCompute?: string } = {},
): Stubs {
  const states = new Map<string, Lookback>();
  const checks = new Map<string, number>();
  return {
    planScheduledRun: async (input) => {
      seen.plans.push(input);
      const day = scheduledDay(new Date(input.nominalTime), input.scheduleTimezone);
      const days = input.lookbackDays === 0 ? [] : dayRange(addDays(day, -input.lookbackDays), addDays(day, -1));
      return {
        day,
        lookback: days.map((date, i): DayPlan => {
          const l = lookback[days.length - 1 - i] ?? { state: 'verified', action: 'skip' };
          states.set(date, l);
          const delivery: DeliveryState = l.state === 'running' ? 'missing' : l.state;
          return {
            date,
            state: l.state,
            detail: l.state,
            sourceRows: l.sourceRows ?? 10,
            fingerprint: '10:ab',
            delivery: { state: delivery, detail: l.state },
            action: l.action,
            why: `${l.state}: test plan`,
          };
        }),
      };
    },
    planDays: async () => {
      throw new Error('a scheduled run does not plan like a backfill');
    },
    computeBatch: async () => {
      throw new Error('a scheduled run does not batch');
    },
    awaitExport: async () => {
      throw new Error('not expected: no day is running elsewhere');
    },
    removeStaged: async (input) => input.keys.length,
    checkData: async (input) => {
      const n = (checks.get(input.date) ?? 0) + 1;
      checks.set(input.date, n);
      const waiting = n <= (options.checksBeforeData?.[input.date] ?? 0);
      const sourceRows = waiting ? 0 : 5;
      const window = dayWindow(input.date, input.timezone);
      // A day made to wait reports a window that has not ended on the test server's clock (which runs years after
      // these dates): its data may still arrive, so its run waits (docs/contract.md §5).
      const endIso = options.checksBeforeData?.[input.date] ? '2999-01-01T00:00:00Z' : window.endIso;
      return { ...window, endIso, sourceRows, fingerprint: `${sourceRows}:ab` };
    },
    findDelivery: async (q) => {
      const state = states.get(q.date)?.state;
      return state === 'stale'
        ? { state: 'stale', detail: 'source changed' }
        : { state: 'missing', detail: 'no manifest' };
    },
    computeMetrics: async (i) => {
      if (i.date === options.failCompute) {
        throw ApplicationFailure.nonRetryable(
          "ClickHouse table does not exist: Table db.nope doesn't exist.",
          'ClickHouseQueryError',
        );
      }
      return {
        metricsKey: `m/${i.date}`,
        agentRows: 2,
        includedCalls: 4,
        sourceRows: 5,
        fingerprint: '5:ab',
        leftOut: { duplicateRows: 0, negativeDuration: 1, otherStatus: 0 },
        queryMs: 1,
      };
    },
    writeCsv: async (i) => ({ stagingKey: `s/${i.date}`, bytes: 10, sha256: 'aa', rows: 2 }),
    uploadCsv: async (i) => ({ key: `k/${i.date}`, bytes: 10, sha256: 'aa' }),
    verifyCsv: async (i) => ({ ...i }),
    writeManifest: async (m) => {
      seen.exported.push({ date: m.date, reason: m.reason });
      return stubManifest(m);
    },
    discardStaged: async () => undefined,
  };
}

describe('scheduledExport workflow (time-skipping server, stubbed activities)', function () {
  this.timeout(300_000);
  const suite = useTimeSkipping({ dateSearchAttribute: true });

  const input = (overrides: Partial<ScheduledExportInput> = {}): ScheduledExportInput => ({
    scheduleTimezone: 'UTC',
    lookbackDays: 0,
    template: STUB_TEMPLATE,
    ...overrides,
  });

  /**
   * Starts the run on a task queue of its own, with a worker that hosts it and its child day runs until the run ends;
   * returns its handle and its result. Each test uses other days: a day's run has one workflow id (`agent-metrics-<export>-D`).
   */
  async function run(activities: Stubs, args: ScheduledExportInput, workflowId = `scheduled-${randomUUID()}`) {
    const { worker, taskQueue } = await suite.worker(activities);
    const handle = await suite.env.client.workflow.start<typeof scheduledExport>('scheduledExport', {
      taskQueue,
      workflowId,
      args: [args],
      // A retry policy on the run, so that a failure thrown retryable would show up as a second attempt.
      retry: { maximumAttempts: 3, initialInterval: '1 second' },
    });
    const result = worker.runUntil(handle.result());
    return { handle, result };
  }

  it('exports the day before the local date of its nominal time', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const { result } = await run(stubs(seen), input({ nominalTime: '2024-03-11T02:00:00Z' }));
    const r = await result;
    assert.equal(r.nominalTime, '2024-03-11T02:00:00.000Z');
    assert.equal(r.day, '2024-03-10');
    assert.deepEqual(
      seen.plans.map((p) => [p.nominalTime, p.scheduleTimezone]),
      [['2024-03-11T02:00:00.000Z', 'UTC']],
    );
    assert.deepEqual(
      r.days.map((d) => [d.date, d.trigger, d.result]),
      [['2024-03-10', 'scheduled', 'exported']],
    );
    assert.deepEqual(seen.exported, [{ date: '2024-03-10', reason: 'scheduled: missing' }]);
  });

  it('runs a schedule created before EXPORT_NAME existed as the export named default', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const { exportName, ...template } = STUB_TEMPLATE;
    assert.equal(exportName, 'default');
    const old = { ...input({ nominalTime: '2024-04-11T02:00:00Z' }), template } as unknown as ScheduledExportInput;
    const { handle, result } = await run(stubs(seen), old);
    assert.equal((await result).day, '2024-04-10');
    const child = await suite.env.client.workflow.getHandle(dayWorkflowId('default', '2024-04-10')).describe();
    assert.equal(child.status.name, 'COMPLETED');
    assert.equal((await handle.describe()).typedSearchAttributes.get(AGENT_METRICS_EXPORT), 'default');
  });

  it("takes the local date in the schedule's time zone, not in UTC", async () => {
    // 01:00 UTC on 21 May is 21:00 on 20 May in New York: the run exports 19 May (UTC would say 20 May).
    const seen: Seen = { plans: [], exported: [] };
    const nominalTime = '2024-05-21T01:00:00Z';
    const { result } = await run(stubs(seen), input({ nominalTime, scheduleTimezone: 'America/New_York' }));
    const r = await result;
    assert.equal(r.day, '2024-05-19');
    assert.notEqual(r.day, scheduledDay(new Date(nominalTime), 'UTC'));
    assert.deepEqual(
      seen.plans.map((p) => p.scheduleTimezone),
      ['America/New_York'],
    );
    assert.deepEqual(
      r.days.map((d) => [d.date, d.trigger, d.result]),
      [['2024-05-19', 'scheduled', 'exported']],
    );
    assert.deepEqual(
      seen.exported.map((e) => e.date),
      ['2024-05-19'],
    );
  });

  it('reads the nominal time the server appends to a scheduled run id when the input has none', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const { result } = await run(stubs(seen), input(), `agent-metrics-daily-${randomUUID()}-2024-08-11T02:00:00Z`);
    const r = await result;
    assert.equal(r.nominalTime, '2024-08-11T02:00:00.000Z');
    assert.equal(r.day, '2024-08-10');
  });

  it('exports the lookback days the plan marks `run`, as lookback with their state, and no others', async () => {
    const seen: Seen = { plans: [], exported: [] };
    // From the day before the run's day (2024-06-10) back: 06-09 … 06-05.
    const lookback: Lookback[] = [
      { state: 'missing', action: 'skip', sourceRows: 0 },
      { state: 'missing', action: 'run' },
      { state: 'verified', action: 'skip' },
      { state: 'stale', action: 'run' },
      { state: 'failed', action: 'skip' },
    ];
    const { result } = await run(
      stubs(seen, lookback),
      input({ nominalTime: '2024-06-11T02:00:00Z', lookbackDays: 5 }),
    );
    const r = await result;
    assert.equal(seen.plans[0]?.lookbackDays, 5);
    assert.equal(r.day, '2024-06-10');
    assert.deepEqual(
      r.days.map((d) => [d.date, d.trigger, d.state, d.result]),
      [
        ['2024-06-10', 'scheduled', undefined, 'exported'],
        ['2024-06-06', 'lookback', 'stale', 'exported'],
        ['2024-06-08', 'lookback', 'missing', 'exported'],
      ],
    );
    assert.deepEqual(
      [...seen.exported].sort((a, b) => a.date.localeCompare(b.date)),
      [
        { date: '2024-06-06', reason: 'lookback: stale' },
        { date: '2024-06-08', reason: 'lookback: missing' },
        { date: '2024-06-10', reason: 'scheduled: missing' },
      ],
    );
    for (const skipped of ['2024-06-05', '2024-06-07', '2024-06-09']) {
      await assert.rejects(
        suite.env.client.workflow.getHandle(dayWorkflowId('default', skipped)).describe(),
        `no run of ${skipped} was started`,
      );
    }
  });

  it('fails without retrying after every other day ended when a day fails, naming the day', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const lookback: Lookback[] = [
      { state: 'missing', action: 'run' },
      { state: 'stale', action: 'run' },
    ];
    // The run's own day (07-10) fails at once; the two lookback days wait for data for half an hour first.
    const activities = stubs(seen, lookback, {
      failCompute: '2024-07-10',
      checksBeforeData: { '2024-07-08': 3, '2024-07-09': 3 },
    });
    const { handle, result } = await run(activities, input({ nominalTime: '2024-07-11T02:00:00Z', lookbackDays: 2 }));
    await assert.rejects(result, (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.type, 'ScheduledExportFailed');
      assert.equal(cause.nonRetryable, true);
      assert.match(cause.message, /^2024-07-10 \(scheduled\) failed: .*table does not exist/);
      assert.doesNotMatch(cause.message, /2024-07-0[89]/);
      return true;
    });
    assert.equal(seen.plans.length, 1, 'the run was not retried');
    assert.deepEqual(seen.exported.map((e) => e.date).sort(), ['2024-07-08', '2024-07-09']);
    // In the run's history the failed day ended first, then the other two, then the run itself.
    const events = (await handle.fetchHistory()).events ?? [];
    const index = (predicate: (e: (typeof events)[number]) => boolean) => events.findIndex(predicate);
    const childFailed = index(
      (e) =>
        e.childWorkflowExecutionFailedEventAttributes?.workflowExecution?.workflowId ===
        dayWorkflowId('default', '2024-07-10'),
    );
    const childCompleted = ['2024-07-08', '2024-07-09'].map((d) =>
      index(
        (e) =>
          e.childWorkflowExecutionCompletedEventAttributes?.workflowExecution?.workflowId ===
          dayWorkflowId('default', d),
      ),
    );
    const runFailed = index((e) => e.workflowExecutionFailedEventAttributes != null);
    assert.ok(childFailed >= 0, 'the failed day ended in the history');
    assert.equal(runFailed, events.length - 1, 'the run failed as its last event');
    for (const completed of childCompleted) {
      assert.ok(completed > childFailed, 'a lookback day ended after the failed day');
      assert.ok(completed < runFailed, 'the run failed after every other day ended');
    }
  });

  it('fails with NoScheduledTime without any nominal time', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const { result } = await run(stubs(seen), input());
    await assert.rejects(result, (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'NoScheduledTime');
      assert.equal(err.cause.nonRetryable, true);
      assert.match(err.cause.message, /needs a scheduled time/);
      return true;
    });
    assert.deepEqual(seen.plans, []);
    assert.deepEqual(seen.exported, []);
  });

  it('with DELIVERY_DEADLINE, starts the alerts of its day and of the next one, and reports its day delivered', async () => {
    const seen: Seen = { plans: [], exported: [] };
    const reports: string[] = [];
    const reportDay = async (i: { date: string; deadline?: string; report: { kind: string } }) => {
      reports.push(`${i.date} ${i.report.kind} ${i.deadline ?? '-'}`);
      return 'reported';
    };
    const template = { ...STUB_TEMPLATE, deadline: '07:00' };
    const { result } = await run(
      { ...stubs(seen), reportDay } as Stubs,
      input({ nominalTime: '2024-06-21T02:00:00Z', template }),
    );
    assert.equal((await result).day, '2024-06-20');
    assert.deepEqual(reports.sort(), [
      '2024-06-20 delivered 07:00',
      '2024-06-20 watch 07:00',
      '2024-06-21 watch 07:00',
    ]);
  });
});
