import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { collectStatus, renderStatus, type StatusRow } from '../../client/status-report';
import { startExportDay } from '../../client/start-export';
import { addDays, dayRange } from '../../common/calendar';
import { dayWindow } from '../../lib/days/day-window';
import { runCli } from '../helpers/cli-process';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { daysAgo, pollEvery, testInput, uniqueExportName, waitEndingIn } from '../helpers/export-input';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';

function calls(date: string, n: number): CallRow[] {
  const w = dayWindow(date, 'UTC');
  const agent = randomUUID();
  return Array.from({ length: n }, (_, i) => ({ agentId: agent, start: w.startEpoch + 60 * i, duration: 10 + i }));
}

describe('status on the real stack', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx, 'per suite');
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;

  // Its own export name: the running day is recent (a data wait must end within 7 days of it), and other tests'
  // runs of recent days must not share its workflow ids.
  const exportName = uniqueExportName();
  const input = (d: string, overrides: Parameters<typeof testInput>[3] = {}) =>
    testInput(d, suite.table, suite.prefix, { exportName, ...overrides });
  const template = () => ({
    exportName,
    table: suite.table,
    prefix: suite.prefix,
    timezone: 'UTC',
    statuses: ['Answered' as const],
    minRows: 1,
  });
  const cliEnv = () => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: suite.table,
    S3_PREFIX: suite.prefix,
    TEMPORAL_TASK_QUEUE: suite.worker.taskQueue,
    EXPORT_TIMEZONE: 'UTC',
    EXPORT_NAME: exportName,
  });

  it('shows each day verified, stale, missing, failed or running, with rows, time, workflow and link', async () => {
    const start = daysAgo(7);
    const [verified, stale, missing, failed, running] = dayRange(start, addDays(start, 4)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    await insertCalls(ctx.clickhouse, database, suite.table, [
      ...calls(verified, 5),
      ...calls(stale, 6),
      ...calls(missing, 7),
    ]);
    for (const d of [verified, stale])
      await (await startExportDay(suite.client, suite.worker.taskQueue, input(d))).result();
    // Late data: a row of `stale` arrives after its export.
    await insertCalls(ctx.clickhouse, database, suite.table, calls(stale, 1));
    const failing = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      input(failed, { waitTimeoutMs: 1_000, pollIntervalMs: 1_000 }),
    );
    await assert.rejects(failing.result(), WorkflowFailedError);
    const waiting = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      input(running, {
        minRows: 1_000,
        waitTimeoutMs: waitEndingIn(running, 600_000),
        pollIntervalMs: pollEvery(waitEndingIn(running, 600_000)),
      }),
    );
    try {
      const rows = await collectStatus(
        ctx.deps,
        suite.client,
        ctx.config.temporal,
        [verified, stale, missing, failed, running],
        template(),
      );
      const by = Object.fromEntries(rows.map((r) => [r.date, r])) as Record<string, StatusRow>;
      assert.deepEqual(
        rows.map((r) => r.state),
        ['verified', 'stale', 'missing', 'failed', 'running'],
      );
      assert.equal(by[verified]!.agents, 1);
      assert.equal(by[verified]!.sourceRows, 5);
      assert.ok(
        by[verified]!.generatedAt &&
          by[verified]!.webUi?.includes(`/workflows/agent-metrics-${exportName}-${verified}/`),
      );
      assert.equal(by[stale]!.sourceRows, 7);
      assert.equal(by[stale]!.exportedSourceRows, 6);
      assert.match(by[stale]!.detail, /source rows changed/);
      assert.equal(by[missing]!.sourceRows, 7);
      assert.equal(by[missing]!.generatedAt, null);
      assert.match(by[failed]!.detail, /last run failed at .*: no data for /, "the failure's cause is in the detail");
      assert.equal(by[failed]!.runId, failing.firstExecutionRunId);
      assert.equal(by[running]!.runId, waiting.firstExecutionRunId);
      assert.equal(by[running]!.workflowId, `agent-metrics-${exportName}-${running}`);

      const json = await runCli('status', ['--from', verified, '--to', running, '--json'], cliEnv());
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(
        (JSON.parse(json.stdout) as StatusRow[]).map((r) => r.state),
        rows.map((r) => r.state),
      );
      const text = await runCli('status', ['--from', verified, '--to', running], cliEnv());
      assert.equal(text.code, 0, text.stderr);
      assert.equal(text.stdout, renderStatus(rows).replace(/\n$/, '\n'));
      assert.match(text.stdout, /5 days: 1 verified, 1 stale, 1 missing, 1 failed, 1 running/);
    } finally {
      await waiting.terminate('test done');
    }
  });

  it('answers for a 365-day range in one fingerprint query and a few seconds', async () => {
    const days = dayRange('2010-01-01', '2010-12-31');
    await insertCalls(ctx.clickhouse, database, suite.table, [...calls('2010-02-01', 3), ...calls('2010-12-31', 2)]);
    const started = Date.now();
    const rows = await collectStatus(ctx.deps, suite.client, ctx.config.temporal, days, template());
    const took = Date.now() - started;
    assert.equal(rows.length, 365);
    assert.equal(rows.find((r) => r.date === '2010-02-01')?.sourceRows, 3);
    assert.equal(rows.find((r) => r.date === '2010-12-31')?.sourceRows, 2);
    assert.ok(took < 20_000, `took ${took} ms`);
  });

  it('refuses bad dates and unknown options with exit code 2', async () => {
    const future = addDays(new Date().toISOString().slice(0, 10), 3);
    const cases: [string[], RegExp][] = [
      [['--from', '2024-13-01', '--to', '2024-12-31'], /--from: '2024-13-01' is not a calendar date/],
      [['--from', '2024-03-02', '--to', '2024-03-01'], /is after --to/],
      [['--to', future], /is in the future/],
      [['--verbose'], /unknown option '--verbose'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli('status', args, cliEnv())));
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[i]![1]);
    });
  });
});
