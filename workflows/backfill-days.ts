import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
} from '@temporalio/workflow';
import type { BackfillActivities } from '../activities';
import { PROGRESS_QUERY, type BackfillInput, type BackfillProgress, type DayOutcome } from '../common/backfill-types';
import type { DayPlan } from '../common/day-state';
import type { ExportDayInput, PrecomputedDay } from '../common/export-types';
import {
  batches,
  chunksOf,
  CHUNKS_PER_RUN,
  details,
  outcomeOf,
  plannedDelivery,
  type Prepared,
} from './backfill-parts';
import { LONG_STEP, QUICK_STEP } from './activity-options';
import { dayRange, nextDay } from '../common/calendar';
import { failureText, runDay } from './day-child';

/** The CLI polls this for its progress bar; the Web UI shows the same in the run's current details. */
export const progressQuery = defineQuery<BackfillProgress>(PROGRESS_QUERY);

// Planning reads up to a chunk of days from ClickHouse, S3 and Temporal: more time than a quick step of one day.
const quick = proxyActivities<BackfillActivities>({ ...QUICK_STEP, startToCloseTimeout: '10 minutes' });
const long = proxyActivities<BackfillActivities>(LONG_STEP);

/**
 * A backfill of `from`…`to` (workflow `agent-metrics-backfill-<from>-<to>`). Chunk by chunk (`chunkDays`): plan
 * every day of the chunk at once (one ClickHouse query, manifests, latest runs) and compute the days to export in
 * one ClickHouse query per batch; then run each day as its own child `agent-metrics-D` (own file, verification and
 * manifest), at most `concurrency` at a time, while the next chunk is planned and computed. A failed day is
 * recorded and the others go on. After chunkDays × CHUNKS_PER_RUN days the workflow continues as new, carrying
 * the outcomes, so a 365-day range stays far inside Temporal's history limits.
 */
export async function backfillDays(input: BackfillInput): Promise<BackfillProgress> {
  const carried = input.carried ?? { next: input.from, startedAt: new Date().toISOString(), outcomes: [] };
  const outcomes: DayOutcome[] = [...carried.outcomes];
  const running = new Set<string>();
  const total = dayRange(input.from, input.to).length;
  const phase = { preparing: 'starting', exporting: '' };
  const snapshot = (done: boolean): BackfillProgress => ({
    from: input.from,
    to: input.to,
    total,
    concurrency: input.concurrency,
    force: input.force,
    only: input.only,
    startedAt: carried.startedAt,
    phase: done ? 'done' : [phase.exporting, phase.preparing].filter(Boolean).join('; '),
    running: [...running].sort(),
    outcomes,
    done,
  });
  const show = (): void => setCurrentDetails(details(snapshot(false)));
  let finished = false;
  setHandler(progressQuery, () => snapshot(finished));

  const staged: string[] = [];
  const plan = async (days: readonly string[]): Promise<DayPlan[]> => {
    const range = `${days[0]!} … ${days[days.length - 1]!}`;
    phase.preparing = `planning ${range}`;
    show();
    return quick.planDays.executeWithOptions({ summary: `plan ${range}` }, [
      { days: [...days], template: input.template, only: input.only, force: input.force },
    ]);
  };
  const prepare = async (plans: DayPlan[]): Promise<Prepared> => {
    for (const p of plans.filter((x) => x.action === 'skip')) {
      outcomes.push({
        date: p.date,
        result: p.state === 'verified' ? 'up-to-date' : 'not-selected',
        detail: p.why,
        sourceRows: p.sourceRows,
        ...(p.manifest ? { agents: p.manifest.agentRows } : {}),
      });
    }
    const computed: PrecomputedDay[] = [];
    const runnable = plans.filter((x) => x.action === 'run' && x.sourceRows >= input.template.minRows);
    for (const group of batches(runnable)) {
      const what = `${group.length} days ${group[0]!.date} … ${group[group.length - 1]!.date}`;
      phase.preparing = `computing ${what} in one ClickHouse query`;
      show();
      try {
        const batch = await long.computeBatch.executeWithOptions({ summary: `compute and write ${what}` }, [
          {
            days: group.map((x) => x.date),
            timezone: input.template.timezone,
            table: input.template.table,
            prefix: input.template.prefix,
            statuses: input.template.statuses,
            ...(input.queryThreads ? { maxThreads: input.queryThreads } : {}),
            known: group.map((x) => ({ date: x.date, sourceRows: x.sourceRows, fingerprint: x.fingerprint })),
          },
        ]);
        staged.push(...batch.map((c) => c.written.stagingKey));
        computed.push(...batch);
      } catch (err) {
        log.warn('batch compute failed: each day of it computes alone', { days: what, error: failureText(err) });
      }
    }
    phase.preparing = '';
    show();
    return { plans, computed };
  };

  let inFlight = 0;
  const tasks: Promise<void>[] = [];
  const launch = async (p: DayPlan, precomputed: PrecomputedDay | undefined, usesSlot: boolean): Promise<void> => {
    if (usesSlot) await condition(() => inFlight < input.concurrency);
    if (usesSlot) inFlight += 1;
    running.add(p.date);
    show();
    const dayInput: ExportDayInput = {
      ...input.template,
      date: p.date,
      force: input.force,
      reason: p.state === 'running' ? 'backfill' : `backfill: ${p.state === 'verified' ? 'forced' : p.state}`,
      ...(precomputed ? { precomputed } : {}),
    };
    const task = runDay(dayInput, ParentClosePolicy.REQUEST_CANCEL)
      .then((run) => outcomeOf(p.date, run))
      .catch((err: unknown): DayOutcome => ({
        date: p.date,
        result: 'failed',
        detail: failureText(err),
        sourceRows: p.sourceRows,
      }))
      .then((outcome) => {
        running.delete(p.date);
        if (usesSlot) inFlight -= 1;
        outcomes.push(outcome);
        show();
      });
    tasks.push(task);
  };

  const runDays = dayRange(carried.next, input.to).slice(0, input.chunkDays * CHUNKS_PER_RUN);
  const chunks = chunksOf(runDays, input.chunkDays);
  // Chunks are planned one after another and computed one after another, as fast as ClickHouse allows, while
  // earlier ones export: the plan of the next chunk runs while the current chunk's batch query does.
  const planned: Promise<DayPlan[]>[] = [];
  const prepared: Promise<Prepared>[] = [];
  for (const chunk of chunks) {
    const plans = (planned[planned.length - 1] ?? Promise.resolve()).then(() => plan(chunk));
    plans.catch(() => undefined);
    planned.push(plans);
    const previous = prepared[prepared.length - 1] ?? Promise.resolve();
    const ready = Promise.all([plans, previous]).then(([p]) => prepare(p));
    ready.catch(() => undefined);
    prepared.push(ready);
  }
  for (const [i, ready] of prepared.entries()) {
    const { plans, computed } = await ready;
    const range = `${chunks[i]![0]!} … ${chunks[i]![chunks[i]!.length - 1]!}`;
    phase.exporting = `exporting ${range}`;
    // Someone else's run of the day is going on: wait for it without taking one of our slots.
    for (const p of plans.filter((x) => x.action === 'attach')) await launch(p, undefined, false);
    const runnable = plans.filter((x) => x.action === 'run');
    for (const p of runnable.filter((x) => x.sourceRows >= input.template.minRows)) {
      const day = computed.find((c) => c.stats.date === p.date);
      await launch(p, day ? { ...day, delivery: plannedDelivery(p) } : undefined, true);
    }
    // Too few rows to batch: the day's own run checks again, waits for data, then applies ON_EMPTY.
    for (const p of runnable.filter((x) => x.sourceRows < input.template.minRows)) await launch(p, undefined, true);
  }
  await Promise.all(tasks);
  phase.exporting = '';
  if (staged.length > 0) {
    await quick.removeStaged
      .executeWithOptions({ summary: `remove ${staged.length} staged metrics objects` }, [{ keys: staged }])
      .catch((err: unknown) => log.warn('could not remove staged metrics objects', { error: failureText(err) }));
  }

  const last = runDays[runDays.length - 1]!;
  if (last < input.to) {
    await condition(allHandlersFinished);
    return await continueAsNew<typeof backfillDays>({
      ...input,
      carried: { next: nextDay(last), startedAt: carried.startedAt, outcomes },
    });
  }
  finished = true;
  setCurrentDetails(details(snapshot(true)));
  return snapshot(true);
}
