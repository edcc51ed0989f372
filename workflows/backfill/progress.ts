import { defineQuery, setCurrentDetails, setHandler } from '@temporalio/workflow';
import {
  addOutcome,
  type BackfillCarry,
  type BackfillInput,
  type BackfillProgress,
  type DayOutcome,
  type OutcomeTally,
} from '../../common/backfill-types';
import { dayRange } from '../../common/calendar';
import type { DayPlan } from '../../common/day-state';
import { failureText } from '../../common/failure-text';
import { PROGRESS_QUERY } from '../../common/workflow-ids';
import type { DayRun } from '../run-day';

/** The CLI polls this for its progress bar; the Web UI shows the same in the run's current details. */
export const progressQuery = defineQuery<BackfillProgress>(PROGRESS_QUERY);

/**
 * What a backfill has done and is doing: the tally of outcomes (carried across continue-as-new, bounded whatever the
 * range's length), the days running now and the current phase. Answers the progress query and keeps the Web UI's
 * current details up to date.
 */
export class BackfillTracker {
  private tally: OutcomeTally;
  private readonly running = new Set<string>();
  private readonly phase = { preparing: 'starting', exporting: '' };
  private readonly total: number;
  private done = false;

  constructor(
    private readonly input: BackfillInput,
    private readonly startedAt: string,
    carried: OutcomeTally,
  ) {
    this.tally = carried;
    this.total = dayRange(input.from, input.to).length;
    setHandler(progressQuery, () => this.snapshot());
  }

  preparing(what: string): void {
    this.phase.preparing = what;
    this.show();
  }

  exporting(what: string): void {
    this.phase.exporting = what;
    this.show();
  }

  started(date: string): void {
    this.running.add(date);
    this.show();
  }

  /** Records how a day ended; a day that ran is no longer running. */
  ended(outcome: DayOutcome): void {
    this.running.delete(outcome.date);
    this.tally = addOutcome(this.tally, outcome);
    this.show();
  }

  /** What continue-as-new carries to the next run. */
  carry(next: string): BackfillCarry {
    return { next, startedAt: this.startedAt, tally: this.tally };
  }

  finish(): BackfillProgress {
    this.done = true;
    this.show();
    return this.snapshot();
  }

  snapshot(): BackfillProgress {
    const { input } = this;
    return {
      from: input.from,
      to: input.to,
      total: this.total,
      concurrency: input.concurrency,
      force: input.force,
      only: input.only,
      allowShrink: input.allowShrink ?? false,
      startedAt: this.startedAt,
      phase: this.done ? 'done' : [this.phase.exporting, this.phase.preparing].filter(Boolean).join('; '),
      running: [...this.running].sort(),
      ...this.tally,
      done: this.done,
    };
  }

  private show(): void {
    setCurrentDetails(details(this.snapshot()));
  }
}

/** The outcome of a day the plan skips: up to date, left out by --only, or left alone because its source shrank. */
export function skippedOutcome(p: DayPlan): DayOutcome {
  return {
    date: p.date,
    result: p.state === 'verified' ? 'up-to-date' : 'not-selected',
    detail: p.why,
    sourceRows: p.sourceRows,
    ...(p.delivery.manifest ? { agents: p.delivery.manifest.agentRows } : {}),
    ...(p.shrank ? { shrank: true } : {}),
  };
}

/** The outcome of a day whose run (its own, or one it waited for) finished. */
export function runOutcome(date: string, run: DayRun): DayOutcome {
  const r = run.result;
  const via = run.attached ? ' (waited for the run already going)' : '';
  return {
    date,
    result: r.result,
    detail: r.result === 'exported' ? `exported and verified${via}` : `up to date (delivered ${r.generatedAt})${via}`,
    agents: r.agentRows,
    sourceRows: r.sourceRows,
    ...(run.runId ? { runId: run.runId } : {}),
  };
}

/** The outcome of a day whose run failed. */
export function failedOutcome(p: DayPlan, err: unknown): DayOutcome {
  return { date: p.date, result: 'failed', detail: failureText(err), sourceRows: p.sourceRows };
}

/** The run's current details in the Web UI: counts, what runs now, the first failed days. */
export function details(p: BackfillProgress): string {
  const c = p.counts;
  const flags = `${p.force ? ', --force' : ''}${p.allowShrink ? ', --allow-shrink' : ''}`;
  const lines = [
    `**Backfill ${p.from} … ${p.to}** (--only ${p.only}${flags}, concurrency ${p.concurrency})`,
    '',
    `${c.done} of ${p.total} days done: ${c.exported} exported, ${c.upToDate} up to date, ${c.failed} failed, ` +
      `${c.notSelected} not selected, ${c.shrunk} left alone (source shrank); ${c.rows} source rows exported.`,
    '',
    `Now: ${p.phase}${p.running.length > 0 ? `; running ${p.running.join(', ')}` : ''}`,
  ];
  if (p.failures.length > 0) {
    lines.push('', '| failed day | why |', '|---|---|');
    for (const o of p.failures.slice(0, 20))
      lines.push(`| ${o.date} | ${o.detail.replace(/\|/g, '/').slice(0, 200)} |`);
    if (c.failed > 20) lines.push('', `… and ${c.failed - 20} more failed days (\`npm run status\` shows each day).`);
  }
  return lines.join('\n');
}
