import cliProgress from 'cli-progress';
import { countOutcomes, type BackfillProgress, type DayOutcome } from '../common/backfill-types';
import type { DayPlan } from '../common/day-state';
import { count, renderTable } from './table';

/** How a backfill's progress reaches the terminal: a live bar on a TTY, plain lines otherwise. */
export interface ProgressView {
  update(p: BackfillProgress): void;
  stop(): void;
}

function eta(p: BackfillProgress, now: number): string {
  const done = p.outcomes.length;
  if (done === 0 || done >= p.total) return done >= p.total ? '0s' : '?';
  const elapsed = (now - Date.parse(p.startedAt)) / 1000;
  const seconds = Math.round((elapsed / done) * (p.total - done));
  return seconds >= 3600
    ? `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m`
    : seconds >= 60
      ? `${Math.floor(seconds / 60)}m${seconds % 60}s`
      : `${seconds}s`;
}

function payload(p: BackfillProgress) {
  const c = countOutcomes(p.outcomes);
  return {
    exported: c.exported,
    uptodate: c.upToDate,
    failed: c.failed,
    skipped: c.notSelected,
    rows: count(c.rows),
    running: p.running.length,
    remaining: eta(p, Date.now()),
  };
}

/** A cli-progress bar: days done of the range, with verified / up to date / failed / skipped, rows and ETA. */
export function barView(stream: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '{bar} {value}/{total} days | exported {exported} | up to date {uptodate} | failed {failed} | ' +
        'skipped {skipped} | running {running} | rows {rows} | ETA {remaining}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) bar.start(p.total, p.outcomes.length, payload(p));
      started = true;
      bar.update(p.outcomes.length, payload(p));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One line per change (or every 30 s), for logs and pipes. */
export function lineView(stream: NodeJS.WritableStream): ProgressView {
  let last = '';
  let lastAt = 0;
  return {
    update(p) {
      const c = payload(p);
      const line =
        `${p.outcomes.length}/${p.total} days done: exported ${c.exported}, up to date ${c.uptodate}, ` +
        `failed ${c.failed}, skipped ${c.skipped}; running ${c.running}; rows ${c.rows}; ${p.phase}`;
      if (line === last && Date.now() - lastAt < 30_000) return;
      last = line;
      lastAt = Date.now();
      stream.write(`[${new Date().toISOString().slice(11, 19)}] ${line}; ETA ${c.remaining}\n`);
    },
    stop() {},
  };
}

/** The per-day table printed when a backfill ends. */
export function renderOutcomes(outcomes: readonly DayOutcome[]): string {
  const sorted = [...outcomes].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return renderTable(
    ['date', 'result', 'agents', 'source rows', 'detail'],
    sorted.map((o) => [o.date, o.result, count(o.agents), count(o.sourceRows), o.detail]),
    ['agents', 'source rows'],
  );
}

/** The plan `--dry-run` prints: what each day would do and why. */
export function renderPlan(plans: readonly DayPlan[]): string {
  const table = renderTable(
    ['date', 'state', 'source rows', 'action', 'why'],
    plans.map((p) => [p.date, p.state, count(p.sourceRows), p.action, p.why]),
    ['source rows'],
  );
  const run = plans.filter((p) => p.action === 'run').length;
  const attach = plans.filter((p) => p.action === 'attach').length;
  return `${table}\n${plans.length} days: ${run} would run, ${attach} would wait for a run already going, ${plans.length - run - attach} skipped\n`;
}
