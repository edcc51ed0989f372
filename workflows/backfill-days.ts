import { allHandlersFinished, condition, continueAsNew, log, ParentClosePolicy, patched } from '@temporalio/workflow';
import type { PlanningActivities } from '../activities';
import { EMPTY_TALLY, type BackfillInput, type BackfillProgress } from '../common/backfill-types';
import { addDays, dayRange } from '../common/calendar';
import type { DayPlan } from '../common/day-state';
import { exportScope, type PrecomputedDay } from '../common/export-types';
import { failureText } from '../common/failure-text';
import { backfillProblems, validated } from '../common/validate-input';
import { LONG_STEP, QUICK_STEP } from './activity-options';
import { batches, chunksOf, CHUNKS_PER_RUN, rangeText } from './backfill/chunks';
import { ConcurrencyLimit } from './backfill/concurrency';
import { pipeline, unwrap } from './backfill/pipeline';
import { BackfillTracker, failedOutcome, runOutcome, skippedOutcome } from './backfill/progress';
import { withExportName } from '../common/workflow-ids';
import { runDay } from './run-day';
import { proxySteps } from './step-queue';

export { progressQuery } from './backfill/progress';

/** The patch id of planning a run's days at once (see backfillDays); runs from before it replay without it. */
const ONE_PLAN_PER_RUN = 'one-plan-per-run';

// On the backfill task queue, as every step of a backfill and its days (workflows/step-queue.ts). Planning reads a
// run's days from ClickHouse, S3 and Temporal: more time than a quick step of one day.
const quick = proxySteps<PlanningActivities>({ ...QUICK_STEP, startToCloseTimeout: '10 minutes' });
const long = proxySteps<PlanningActivities>(LONG_STEP);

/** A chunk of days planned and, where a batch query could, computed and written: ready to export. */
interface PreparedChunk {
  readonly plans: readonly DayPlan[];
  readonly computed: ReadonlyMap<string, PrecomputedDay>;
}

/**
 * A backfill of `from`…`to` (workflow `agent-metrics-<export>-backfill-<from>-<to>`; its steps on the backfill task
 * queue). Plan every day of the run at once (one ClickHouse query, manifests, latest runs); then, chunk by chunk (`chunkDays`),
 * compute the days to export in one ClickHouse query per batch and run each day as its own child
 * `agent-metrics-<export>-D` (own file, verification and manifest), at most `concurrency` at a time, while the next
 * chunk is computed. A failed day is
 * recorded and the others go on. After chunkDays × CHUNKS_PER_RUN days the workflow continues as new, carrying
 * the tally of outcomes (counts and a bounded list of days), so a range of any length stays far inside Temporal's
 * history and payload limits.
 */
export async function backfillDays(raw: BackfillInput): Promise<BackfillProgress> {
  const started = validated<BackfillInput>('backfillDays', raw, backfillProblems);
  const input: BackfillInput = { ...started, template: withExportName(started.template) };
  const carried = input.carried ?? { next: input.from, startedAt: new Date().toISOString(), tally: EMPTY_TALLY };
  const tracker = new BackfillTracker(input, carried.startedAt, carried.tally);
  const slots = new ConcurrencyLimit(input.concurrency);
  const days = dayRange(carried.next, input.to).slice(0, input.chunkDays * CHUNKS_PER_RUN);
  const staged: string[] = [];
  const runs: Promise<void>[] = [];

  /** Starts day p's run once a slot is free (or at once, when it waits for someone else's run) and moves on. */
  const launch = async (p: DayPlan, precomputed: PrecomputedDay | undefined, usesSlot: boolean): Promise<void> => {
    if (usesSlot) await slots.acquire();
    tracker.started(p.date);
    runs.push(
      exportDayOf(p, input, precomputed).then((outcome) => {
        tracker.ended(outcome);
        if (usesSlot) slots.release();
      }),
    );
  };

  // Every day of the run is planned at once: the fingerprint query reads the whole table's call_start column
  // whatever the number of days, so one plan is one pass where a plan per chunk was one pass each. Chunks are then
  // computed one after another, as fast as ClickHouse allows, while earlier ones export. A run started by an earlier
  // version planned chunk by chunk and replays that way (patched).
  const chunks = chunksOf(days, input.chunkDays);
  const compute = (plans: readonly DayPlan[]) => computeChunk(plans, input, tracker, staged);
  const prepared = patched(ONE_PLAN_PER_RUN)
    ? pipeline(chunksOf(await planChunk(days, input, tracker), input.chunkDays), async (plans) => plans, compute)
    : pipeline(chunks, (chunk) => planChunk(chunk, input, tracker), compute);
  for (const [i, next] of prepared.entries()) {
    const { plans, computed } = unwrap(await next);
    tracker.exporting(`exporting ${rangeText(chunks[i]!)}`);
    for (const p of plans.filter((x) => x.action === 'skip')) tracker.ended(skippedOutcome(p));
    // Someone else's run of the day is going on: wait for it without taking one of our slots.
    for (const p of plans.filter((x) => x.action === 'attach')) await launch(p, undefined, false);
    // Days with too few rows go last: a recent one's run waits for data (until DATA_WAIT_TIMEOUT after the day's end)
    // while holding a slot.
    const runnable = plans.filter((x) => x.action === 'run');
    const hasData = (x: DayPlan) => x.sourceRows >= input.template.minRows;
    for (const p of [...runnable.filter(hasData), ...runnable.filter((x) => !hasData(x))]) {
      await launch(p, computed.get(p.date), true);
    }
  }
  await Promise.all(runs);
  tracker.exporting('');
  await removeStaged(staged, input.template.bucket);

  const last = days[days.length - 1]!;
  if (last < input.to) {
    await condition(allHandlersFinished);
    return await continueAsNew<typeof backfillDays>({ ...input, carried: tracker.carry(addDays(last, 1)) });
  }
  return tracker.finish();
}

/** Each day's state and what the backfill does with it. */
async function planChunk(days: readonly string[], input: BackfillInput, tracker: BackfillTracker): Promise<DayPlan[]> {
  tracker.preparing(`planning ${rangeText(days)}`);
  return quick.planDays.executeWithOptions({ summary: `plan ${rangeText(days)}` }, [
    {
      days: [...days],
      template: input.template,
      only: input.only,
      force: input.force,
      allowShrink: input.allowShrink ?? false,
    },
  ]);
}

/**
 * Computes and writes the chunk's days to run in one ClickHouse query per batch. Days with fewer than MIN_ROWS rows
 * are left to their own run (it waits for data, then applies ON_EMPTY); a batch that fails leaves its days to their
 * own runs, which compute each day alone.
 */
async function computeChunk(
  plans: readonly DayPlan[],
  input: BackfillInput,
  tracker: BackfillTracker,
  staged: string[],
): Promise<PreparedChunk> {
  const computed = new Map<string, PrecomputedDay>();
  const runnable = plans.filter((x) => x.action === 'run' && x.sourceRows >= input.template.minRows);
  for (const group of batches(runnable)) {
    const what = `${group.length} days ${rangeText(group)}`;
    tracker.preparing(`computing ${what} in one ClickHouse query`);
    try {
      const batch = await long.computeBatch.executeWithOptions({ summary: `compute and write ${what}` }, [
        {
          days: group.map((x) => x.date),
          timezone: input.template.timezone,
          table: input.template.table,
          prefix: input.template.prefix,
          statuses: input.template.statuses,
          ...(input.template.format ? { format: input.template.format } : {}),
          ...(input.template.columns?.length ? { columns: input.template.columns } : {}),
          ...exportScope(input.template),
          ...(input.queryThreads ? { maxThreads: input.queryThreads } : {}),
          known: group.map((x) => ({
            date: x.date,
            sourceRows: x.sourceRows,
            fingerprint: x.fingerprint,
            ...(x.durationMismatches !== undefined ? { durationMismatches: x.durationMismatches } : {}),
          })),
        },
      ]);
      for (const day of batch) {
        staged.push(day.written.stagingKey);
        const plan = group.find((x) => x.date === day.stats.date)!;
        computed.set(day.stats.date, { ...day, delivery: plan.delivery });
      }
    } catch (err) {
      log.warn('batch compute failed: each day of it computes alone', { days: what, error: failureText(err) });
    }
  }
  tracker.preparing('');
  return { plans, computed };
}

/** Runs day p's export as its own child workflow (or waits for the run going on) and says how it ended. */
async function exportDayOf(p: DayPlan, input: BackfillInput, precomputed: PrecomputedDay | undefined) {
  try {
    const run = await runDay(
      {
        ...input.template,
        date: p.date,
        force: input.force,
        trigger: 'backfill',
        ...(precomputed ? { precomputed } : {}),
      },
      ParentClosePolicy.REQUEST_CANCEL,
    );
    return runOutcome(p.date, run);
  } catch (err) {
    return failedOutcome(p, err);
  }
}

/** Removes what the batches staged and no day's run removed (a day that failed after its batch). */
async function removeStaged(keys: readonly string[], bucket: string | undefined): Promise<void> {
  if (keys.length === 0) return;
  try {
    await quick.removeStaged.executeWithOptions({ summary: `remove ${keys.length} staged metrics objects` }, [
      { keys, ...(bucket !== undefined ? { bucket } : {}) },
    ]);
  } catch (err) {
    log.warn('could not remove staged metrics objects', { error: failureText(err) });
  }
}
