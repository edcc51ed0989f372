import cliProgress from 'cli-progress';
import type { BackfillProgress, DayOutcome } from '../common/backfill-types';
import type { DayPlan } from '../common/day-state';
import { count, renderTable } from './table';

/** How a backfill's progress reaches the terminal: a live bar on a TTY, plain lines otherwise. */
export interface ProgressView {
  update(p: BackfillProgress): void;
  stop(): void;
}

function eta(p: BackfillProgress, now: number): string {
  const done = p.counts.done;
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
  const c = p.counts;
  return {
    exported: c.exported,
    uptodate: c.upToDate,
    failed: c.failed,
    skipped: c.notSelected + c.shrunk,
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
      if (!started) bar.start(p.total, p.counts.done, payload(p));
      started = true;
      bar.update(p.counts.done, payload(p));
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
        `${p.counts.done}/${p.total} days done: exported ${c.exported}, up to date ${c.uptodate}, ` +
        `failed ${c.failed}, skipped ${c.skipped}; running ${c.running}; rows ${c.rows}; ${p.phase}`;
      if (line === last && Date.now() - lastAt < 30_000) return;
      last = line;
      lastAt = Date.now();
      stream.write(`[${new Date().toISOString().slice(11, 19)}] ${line}; ETA ${c.remaining}\n`);
    },
    stop() {},
  };
}

/** A table of days and how each ended, by date. */
export function renderOutcomes(outcomes: readonly DayOutcome[]): string {
  const sorted = [...outcomes].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return renderTable(
    ['date', 'result', 'agents', 'source rows', 'detail'],
    sorted.map((o) => [o.date, o.result, count(o.agents), count(o.sourceRows), o.detail]),
    ['agents', 'source rows'],
  );
}

/**
 * What the CLI prints when a backfill ends: every day when the tally still names them all (a short range), else the
 * first failed days it names and how many more failed, then the counts.
 */
export function renderSummary(p: BackfillProgress): string {
  const c = p.counts;
  const status = `npm run status -- --from ${p.from} --to ${p.to}`;
  const table =
    p.latest.length === c.done
      ? renderOutcomes(p.latest)
      : p.failures.length > 0
        ? `Failed days${c.failed > p.failures.length ? ` (the first ${p.failures.length} of ${c.failed})` : ''}:\n` +
          renderOutcomes(p.failures) +
          (c.failed > p.failures.length ? `… and ${c.failed - p.failures.length} more failed days: ${status}\n` : '')
        : '';
  return (
    `${table}${table ? '\n' : ''}${p.total} days: ${c.exported} exported and verified, ${c.upToDate} up to date, ` +
    `${c.failed} failed, ${c.notSelected} not selected by --only ${p.only}; ` +
    (c.shrunk > 0
      ? `${c.shrunk} left alone because their source shrank since their export (--allow-shrink re-exports them); `
      : '') +
    `${c.rows.toLocaleString('en-US')} source rows exported\n`
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
