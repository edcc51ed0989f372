import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { collectStatus, type StatusRow } from '../../client/status-report';
import { startExportDay } from '../../client/start-export';
import { addDays, dayRange } from '../../common/calendar';
import type { ExportTemplate } from '../../common/export-types';
import { parseManifest, type Manifest } from '../../common/manifest';
import type { ScheduledExportResult } from '../../common/scheduled-types';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { dayWindow } from '../../lib/days/day-window';
import { manifestKey } from '../../lib/s3/keys';
import type { scheduledExport } from '../../workflows';
import { runCli } from '../helpers/cli-process';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';

/** `n` answered calls of one agent on `date` (UTC). */
function calls(date: string, n: number, agentId: string = randomUUID()): CallRow[] {
  const w = dayWindow(date, 'UTC');
  return Array.from({ length: n }, (_, i) => ({ agentId, start: w.startEpoch + 60 * i, duration: 10 + i }));
}

/** Deletes rows as TTL or retention would (a mutation, which works on 18.16's MergeTree) and waits until it is done. */
async function deleteRows(ch: ClickHouseClient, database: string, table: string, where: string): Promise<void> {
  await ch.command({ query: `ALTER TABLE ${qualifiedName(database, table)} DELETE WHERE ${where}` });
  for (let i = 0; i < 300; i += 1) {
    const rs = await ch.query({
      query: `SELECT count() AS n FROM system.mutations WHERE database = '${database}' AND table = '${table}' AND is_done = 0`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string | number }>();
    if (Number(row?.n ?? 0) === 0) return;
    await delay(100);
  }
  throw new Error(`the DELETE mutation on ${table} did not finish`);
}

describe('a day whose source shrank (deleted rows) keeps its delivered file', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx, 'per test');
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;

  const template = (): ExportTemplate => ({
    exportName: 'default',
    table: suite.table,
    prefix: suite.prefix,
    timezone: 'UTC',
    statuses: ['Answered'],
    minRows: 1,
    onEmpty: 'publish',
    pollIntervalMs: 1_000,
    waitTimeoutMs: 2_000,
  });
  const cliEnv = () => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: suite.table,
    S3_PREFIX: suite.prefix,
    TEMPORAL_TASK_QUEUE: suite.worker.taskQueue,
    EXPORT_TIMEZONE: 'UTC',
    DATA_POLL_INTERVAL: '1s',
    DATA_WAIT_TIMEOUT: '2s',
    ON_EMPTY: 'publish',
  });
  const manifest = async (date: string): Promise<Manifest> =>
    parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)));

  /**
   * Days d1…d3 exported with 6 rows each; then every row of d1 and 4 rows of d2 are deleted, and a late row of d3
   * arrives. Returns the days and their first manifests.
   */
  async function exportedThenShrunk() {
    const start = addDays('2018-01-01', Math.floor(Math.random() * 2_000));
    const [d1, d2, d3] = dayRange(start, addDays(start, 2)) as [string, string, string];
    const gone = randomUUID();
    await insertCalls(ctx.clickhouse, database, suite.table, [
      ...calls(d1, 6),
      ...calls(d2, 2),
      ...calls(d2, 4, gone),
      ...calls(d3, 6),
    ]);
    for (const d of [d1, d2, d3]) {
      const run = await startExportDay(suite.client, suite.worker.taskQueue, {
        ...template(),
        date: d,
        force: false,
        trigger: 'manual',
      });
      await run.result();
    }
    const before = { [d1]: await manifest(d1), [d2]: await manifest(d2), [d3]: await manifest(d3) };
    const w1 = dayWindow(d1, 'UTC');
    await deleteRows(
      ctx.clickhouse,
      database,
      suite.table,
      `call_start >= toDateTime(${w1.startEpoch}) AND call_start < toDateTime(${w1.endEpoch})`,
    );
    await deleteRows(ctx.clickhouse, database, suite.table, `agent_id = '${gone}'`);
    await insertCalls(ctx.clickhouse, database, suite.table, calls(d3, 1));
    return { d1, d2, d3, before };
  }

  it('status reports the shrunk source in the detail of a stale day', async () => {
    const { d1, d2, d3 } = await exportedThenShrunk();
    const rows = await collectStatus(ctx.deps, suite.client, ctx.config.temporal, [d1, d2, d3], template());
    const by = Object.fromEntries(rows.map((r) => [r.date, r])) as Record<string, StatusRow>;
    assert.deepEqual(
      rows.map((r) => r.state),
      ['stale', 'stale', 'stale'],
    );
    assert.equal(by[d1]!.detail, 'source shrank: 6 → 0 rows since the export');
    assert.equal(by[d2]!.detail, 'source shrank: 6 → 2 rows since the export');
    assert.equal(by[d3]!.detail, 'the source rows changed since the export');
    const text = await runCli('status', ['--from', d1, '--to', d3], cliEnv());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`${d1} stale: source shrank: 6 → 0 rows`));
  });

  it("the nightly lookback re-exports a day with late rows but leaves a shrunk day's file alone", async () => {
    const { d1, d2, d3, before } = await exportedThenShrunk();
    const d4 = addDays(d3, 1);
    await insertCalls(ctx.clickhouse, database, suite.table, calls(d4, 3));
    const result: ScheduledExportResult = await suite.client.workflow.execute<typeof scheduledExport>(
      'scheduledExport',
      {
        taskQueue: suite.worker.taskQueue,
        workflowId: `test-scheduled-${randomUUID()}`,
        args: [
          {
            template: template(),
            scheduleTimezone: 'UTC',
            lookbackDays: 3,
            nominalTime: `${addDays(d4, 1)}T02:00:00Z`,
          },
        ],
      },
    );
    assert.deepEqual(
      result.days.map((x) => [x.date, x.trigger, x.result]),
      [
        [d4, 'scheduled', 'exported'],
        [d3, 'lookback', 'exported'],
      ],
    );
    for (const d of [d1, d2]) assert.equal((await manifest(d)).generatedAt, before[d]!.generatedAt, `${d} kept`);
    assert.equal((await manifest(d3)).reason, 'lookback: stale');
  });

  it('backfill --only stale skips a shrunk day and says why; --allow-shrink re-exports it', async () => {
    const { d1, d2, d3, before } = await exportedThenShrunk();
    const stale = await runCli('backfill', ['--from', d1, '--to', d3, '--only', 'stale'], cliEnv());
    assert.equal(stale.code, 0, stale.stderr + stale.stdout);
    assert.match(
      stale.stdout,
      new RegExp(`${d1} .*source shrank: 6 → 0 rows since the export: not re-exported without --allow-shrink`),
    );
    assert.match(
      stale.stdout,
      /2 left alone because their source shrank since their export \(--allow-shrink re-exports them\)/,
    );
    assert.match(stale.stdout, /3 days: 1 exported and verified/);
    for (const d of [d1, d2]) assert.equal((await manifest(d)).generatedAt, before[d]!.generatedAt, `${d} kept`);
    assert.equal((await manifest(d3)).sourceRows, 7);

    const allowed = await runCli('backfill', ['--from', d1, '--to', d3, '--only', 'stale', '--allow-shrink'], cliEnv());
    assert.equal(allowed.code, 0, allowed.stderr + allowed.stdout);
    assert.match(allowed.stdout, /3 days: 2 exported and verified/);
    const [m1, m2] = [await manifest(d1), await manifest(d2)];
    assert.equal(m1.sourceRows, 0);
    assert.equal(m1.agentRows, 0);
    assert.equal(m2.sourceRows, 2);
    assert.equal(m1.reason, 'backfill: stale');
    assert.equal(m1.replaces?.generatedAt, before[d1]!.generatedAt);
  });
});
