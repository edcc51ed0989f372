import { countOutcomes, type BackfillProgress, type DayOutcome } from '../common/backfill-types';
import type { DayPlan } from '../common/day-state';
import type { DeliveryCheck, PrecomputedDay } from '../common/export-types';
import type { DayRun } from './day-child';

/** Source rows one batch query may aggregate: bounds ClickHouse's memory (it sorts every included duration). */
const MAX_BATCH_ROWS = 40_000_000;

/** Days of the plan to compute together, each group under MAX_BATCH_ROWS source rows (at least one day). */
export function batches(plans: readonly DayPlan[]): DayPlan[][] {
  const out: DayPlan[][] = [];
  let rows = Infinity;
  for (const p of plans) {
    if (rows + p.sourceRows > MAX_BATCH_ROWS) {
      out.push([]);
      rows = 0;
    }
    out[out.length - 1]!.push(p);
    rows += p.sourceRows;
  }
  return out;
}

/** The delivery the plan found (the run then skips its own look): what `replaces` in the new manifest names. */
export function plannedDelivery(p: DayPlan): DeliveryCheck {
  if (!p.manifest) return { state: 'missing', detail: p.detail };
  return { state: p.state === 'verified' ? 'verified' : 'stale', detail: p.detail, manifest: p.manifest };
}

export function outcomeOf(date: string, run: DayRun): DayOutcome {
  const r = run.result;
  const via = run.attached ? ' (waited for the run already going)' : '';
  return {
    date,
    result: r.status === 'exported' ? 'verified' : 'up-to-date',
    detail: r.status === 'exported' ? `exported and verified${via}` : `up to date (delivered ${r.generatedAt})${via}`,
    agents: r.agentRows,
    sourceRows: r.sourceRows,
    ...(run.runId ? { runId: run.runId } : {}),
  };
}

/** A workflow run exports chunkDays × CHUNKS_PER_RUN days (93 by default), then continues as new. */
export const CHUNKS_PER_RUN = 3;

/** A chunk planned and computed, ready to export. */
export interface Prepared {
  readonly plans: readonly DayPlan[];
  readonly computed: readonly PrecomputedDay[];
}

/** Days of the first chunk of a run: small, so exports start after a short query while the next chunk computes. */
const FIRST_CHUNK_DAYS = 7;

/** The run's days in chunks of `size`, the first one at most FIRST_CHUNK_DAYS long. */
export function chunksOf(days: readonly string[], size: number): string[][] {
  const first = Math.min(size, FIRST_CHUNK_DAYS);
  const out: string[][] = [days.slice(0, first)];
  for (let i = first; i < days.length; i += size) out.push(days.slice(i, i + size));
  return out;
}

/** The run's current details in the Web UI: counts, what runs now, the failed days. */
export function details(p: BackfillProgress): string {
  const c = countOutcomes(p.outcomes);
  const failed = p.outcomes.filter((o) => o.result === 'failed');
  const lines = [
    `**Backfill ${p.from} … ${p.to}** (--only ${p.only}${p.force ? ', --force' : ''}, concurrency ${p.concurrency})`,
    '',
    `${p.outcomes.length} of ${p.total} days done: ${c.verified} verified, ${c.upToDate} up to date, ${c.failed} failed, ` +
      `${c.notSelected} not selected; ${c.rows} source rows exported.`,
    '',
    `Now: ${p.phase}${p.running.length > 0 ? `; running ${p.running.join(', ')}` : ''}`,
  ];
  if (failed.length > 0) {
    lines.push('', '| failed day | why |', '|---|---|');
    for (const o of failed.slice(-20)) lines.push(`| ${o.date} | ${o.detail.replace(/\|/g, '/').slice(0, 200)} |`);
  }
  return lines.join('\n');
}
