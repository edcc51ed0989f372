import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startExportDay } from '../../client/start-export';
import { dayRange } from '../../common/calendar';
import { dayWindow } from '../../lib/days/day-window';
import { csvKey } from '../../lib/s3/keys';
import { putText } from '../../lib/s3/objects';
import { workflowUiUrl } from '../../lib/temporal-connection';
import { ensureBuilt } from '../helpers/build';
import { finished, printed, runCli, spawnCli } from '../helpers/cli-process';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { daysAgo, pollEvery, testInput, uniqueExportName, waitEndingIn } from '../helpers/export-input';
import { freePort } from '../helpers/free-port';
import { referenceCsvRows } from '../helpers/reference-metrics';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { REPO_ROOT } from '../helpers/stack';
import { useStackSuite } from '../helpers/stack-suite';

/** Debian's Chromium (scripts/stack/install.sh installs it); playwright-core's own browser download cannot work here. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(REPO_ROOT, 'docs', 'images', 'dashboard.png');

/** Calls of `agent` on `date`, one a minute from the day's start, with the given durations. */
function calls(agent: string, date: string, durations: readonly number[]): CallRow[] {
  const w = dayWindow(date, 'UTC');
  return durations.map((duration, i) => ({ agentId: agent, start: w.startEpoch + 600 + 60 * i, duration }));
}

/** The reference avg and p90 (test/helpers/reference-metrics.ts) of `agent` on `date`. */
function expected(rows: readonly CallRow[], agent: string, date: string): [number, number] {
  const w = dayWindow(date, 'UTC');
  const row = referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, ['Answered'], date).find(
    (r) => r[0] === agent.toLowerCase(),
  );
  assert.ok(row, `the reference has no row for ${agent} on ${date}`);
  return [Number(row[1]), Number(row[2])];
}

interface Cell {
  date: string;
  state: string;
  href: string | null;
}

describe('dashboard in Chromium on the real stack', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx, 'per suite');
  const exportName = uniqueExportName();
  const uiBase = 'http://127.0.0.1:18233';
  let browser: Browser;
  const servers: ChildProcess[] = [];

  const env = (overrides: NodeJS.ProcessEnv = {}) => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: suite.table,
    S3_PREFIX: suite.prefix,
    EXPORT_TIMEZONE: 'UTC',
    EXPORT_NAME: exportName,
    TEMPORAL_UI_URL: uiBase,
    ...overrides,
  });

  /** Starts `agent-metrics dashboard` (compiled, as the launcher runs it) on a free port; returns its URL. */
  async function startDashboard(overrides: NodeJS.ProcessEnv = {}): Promise<string> {
    const port = await freePort();
    const child = spawnCli('dashboard', ['--port', String(port), '--days', '7'], env(overrides), {
      build: 'compiled',
      timeoutMs: 90_000,
    });
    servers.push(child);
    const out = await printed(child, /dashboard: (http:\S+)/, 30_000);
    return /dashboard: (http:\S+)/.exec(out)![1]!;
  }

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return page;
  }

  before(async () => {
    ensureBuilt();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    for (const child of servers) {
      child.kill('SIGTERM');
      await finished(child).catch(() => undefined);
    }
  });

  it("colours each day by state, links it to its run, and charts a searched agent's avg and p90 per day", async () => {
    const week = dayRange(daysAgo(7), daysAgo(1));
    const [, verified, stale, failed, unexported, tampered, running] = week as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const agent = randomUUID().toUpperCase();
    const other = randomUUID();
    const rows = [
      ...calls(agent, verified, [12, 30, 47, 61, 95]),
      ...calls(other, verified, [5, 6]),
      ...calls(agent, stale, [7, 8, 300]),
      ...calls(agent, unexported, [40]),
      ...calls(agent, tampered, [49, 50]),
    ];
    const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    const input = (d: string, o: Parameters<typeof testInput>[3] = {}) =>
      testInput(d, suite.table, suite.prefix, { exportName, ...o });
    const runs = new Map<string, string>();
    for (const d of [verified, stale, tampered]) {
      const handle = await startExportDay(suite.client, suite.worker.taskQueue, input(d));
      await handle.result();
      runs.set(d, handle.firstExecutionRunId);
    }
    // Late data for another agent: the delivered file of `stale` is still the agent's figures, and still read.
    await insertCalls(ctx.clickhouse, database, suite.table, calls(other, stale, [9]));
    // A file changed after delivery no longer matches its manifest: the day is failed and its figures are not read.
    const key = csvKey(suite.prefix, tampered);
    const delivered = await readObject(ctx.s3, ctx.deps.bucket, key);
    const changed = delivered.replace(',49.5,', ',99.5,');
    assert.notEqual(changed, delivered);
    await putText(ctx.s3, ctx.deps.bucket, key, changed, 'text/csv');
    const failing = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      input(failed, { waitTimeoutMs: 1_000, pollIntervalMs: 1_000 }),
    );
    await assert.rejects(failing.result(), WorkflowFailedError);
    runs.set(failed, failing.firstExecutionRunId);
    const wait = waitEndingIn(running, 600_000);
    const waiting = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      input(running, { minRows: 1_000, waitTimeoutMs: wait, pollIntervalMs: pollEvery(wait) }),
    );
    runs.set(running, waiting.firstExecutionRunId);
    try {
      const page = await open(await startDashboard());
      const cells = await page.$$eval('.calendar .day', (els) =>
        els.map((e) => ({
          date: e.getAttribute('data-date'),
          state: e.getAttribute('data-state'),
          href: e.getAttribute('href'),
        })),
      );
      const settings = { ...ctx.config.temporal, TEMPORAL_UI_URL: uiBase };
      const states: Record<string, string> = { [verified]: 'verified', [stale]: 'stale', [running]: 'running' };
      Object.assign(states, { [failed]: 'failed', [tampered]: 'failed' });
      const want: Cell[] = week.map((date) => {
        const runId = runs.get(date);
        const href = runId ? workflowUiUrl(settings, `agent-metrics-${exportName}-${date}`, runId) : null;
        return { date, state: states[date] ?? 'missing', href };
      });
      assert.deepEqual(cells, want);

      // Typing the start of an id suggests the ids of the files read that start so (ids are lower case there).
      await page.fill('#agent', agent.slice(0, 6));
      await page.waitForSelector(`#agent-ids option[value="${agent.toLowerCase()}"]`, { state: 'attached' });
      assert.deepEqual(await page.$$eval('#agent-ids option', (els) => els.map((e) => e.getAttribute('value'))), [
        agent.toLowerCase(),
      ]);
      await page.fill('#agent', agent);
      await page.click('#search button[type="submit"]');
      await page.waitForSelector(`#chart[data-agent="${agent.toLowerCase()}"]`);
      const data = await page.evaluate(
        () => (globalThis as unknown as { agentChart: { data: (number | null)[][] } }).agentChart.data,
      );
      const [avg1, p901] = expected(rows, agent, verified);
      const [avg2, p902] = expected(rows, agent, stale);
      assert.deepEqual(
        data[0],
        week.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
      );
      // Only files that match their manifest count: the unexported day has calls but no file, the tampered one a
      // file that no longer verifies.
      assert.deepEqual(data[1], [null, avg1, avg2, null, null, null, null]);
      assert.deepEqual(data[2], [null, p901, p902, null, null, null, null]);
      assert.match((await page.textContent('#trend-message')) ?? '', /a row in 2 of the 2 files read/);
      const tamperedRow = await page.textContent(`#trend-table tr[data-date="${tampered}"]`);
      assert.match(tamperedRow ?? '', /does not match its manifest/);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.close();
    } finally {
      await waiting.terminate('test done');
    }
  });

  it('says on the page that the bucket is missing and Temporal is down, and keeps serving', async () => {
    const url = await startDashboard({
      S3_BUCKET_NAME: `no-such-bucket-${randomUUID().slice(0, 8)}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    const page = await open(url);
    assert.match(
      (await page.textContent('#calendars .error')) ?? '',
      /cannot be read now: Temporal at 127\.0\.0\.1:\d+ is unreachable/,
    );
    await page.fill('#agent', randomUUID());
    await page.click('#search button[type="submit"]');
    await page.waitForSelector('#trend-message.error');
    assert.match((await page.textContent('#trend-message')) ?? '', /cannot be read now: .*bucket does not exist/);
    const again = await fetch(new URL('/api/exports', url));
    assert.equal(again.status, 200);
    const post = await fetch(new URL('/api/calendar', url), { method: 'POST' });
    assert.equal(post.status, 405, 'read-only');
    await page.close();
  });

  it('refuses bad arguments with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', 'http'], /--port: expected a whole number from 0 to 65535, got 'http'/],
      [['--days', '0'], /--days: expected a whole number from 1 to 366/],
      [['--verbose'], /unknown option '--verbose'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli('dashboard', args, env(), { build: 'compiled' })));
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[i]![1]);
    });
  });
});
