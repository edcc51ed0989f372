import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { addDays } from '../../common/calendar';
import { parseManifest } from '../../common/manifest';
import { dayWindow } from '../../lib/days/day-window';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { runCli } from '../helpers/cli-process';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { uniqueExportName } from '../helpers/export-input';
import { randomPastDay } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';

/**
 * A day of 10 conversations (11 rows: one retried insert): 3 with a negative duration (30% left out for it), 2 of
 * another status, and 4 rows whose duration is more than 1 s off call_end - call_start: 2 with a positive
 * duration, and the negative durations of -2 and -3 with call_end = call_start (-1 and the row 1 s off are within 1 s).
 */
function dayRows(date: string): CallRow[] {
  const w = dayWindow(date, 'UTC');
  const agent = randomUUID();
  const at = (s: number) => w.startEpoch + s;
  const retried = { agentId: agent, conversationId: randomUUID(), start: at(10), duration: 30 };
  return [
    retried,
    retried,
    { agentId: agent, start: at(20), duration: 40 },
    { agentId: agent, start: at(30), duration: 50, end: at(30) + 52 },
    { agentId: agent, start: at(40), duration: 60, end: at(40) + 57 },
    { agentId: agent, start: at(50), duration: 70, end: at(50) + 71 },
    { agentId: agent, start: at(60), duration: 80, status: 'Missed' },
    { agentId: agent, start: at(70), duration: 90, status: 'Voicemail' },
    { agentId: agent, start: at(80), duration: -1, end: at(80) },
    { agentId: agent, start: at(90), duration: -2, end: at(90) },
    { agentId: agent, start: at(100), duration: -3, end: at(100) },
  ];
}

describe('data quality on the real stack (DQ_MAX_LEFT_OUT_SHARE, DQ_MODE)', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx, 'per suite');
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const exportName = uniqueExportName();
  const env = (extra: NodeJS.ProcessEnv) => ({
    ...ctx.env,
    CLICKHOUSE_TABLE: suite.table,
    S3_PREFIX: suite.prefix,
    TEMPORAL_TASK_QUEUE: suite.worker.taskQueue,
    EXPORT_TIMEZONE: 'UTC',
    EXPORT_NAME: exportName,
    ON_EMPTY: 'fail',
    ...extra,
  });

  it('records the figures and, over the limit with DQ_MODE=warn, delivers the day and status shows the warning', async () => {
    const date = randomPastDay();
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(date));
    const run = await runCli('export', ['--date', date], env({ DQ_MAX_LEFT_OUT_SHARE: '0.25' }));
    assert.equal(run.code, 0, run.stderr);
    const manifest = parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)));
    const warning =
      '30.00% of ' +
      date +
      "'s conversations (3 of 10) left out for a negative duration, over DQ_MAX_LEFT_OUT_SHARE=0.25";
    assert.deepEqual(manifest.dataQuality, {
      rowsRead: 11,
      versionsCollapsed: 1,
      negativeDuration: 3,
      otherStatus: 2,
      durationMismatches: 4,
      leftOutShare: 0.3,
      warning,
    });
    const status = await runCli('status', ['--from', date, '--to', date], env({}));
    assert.equal(status.code, 0, status.stderr);
    assert.ok(
      status.stdout.includes(`${date} verified: delivered, verified and unchanged; data-quality warning: ${warning}`),
      status.stdout,
    );
    const json = await runCli('status', ['--from', date, '--to', date, '--json'], env({}));
    assert.equal((JSON.parse(json.stdout) as { dataQualityWarning: string }[])[0]!.dataQualityWarning, warning);
  });

  it('records the same figures for days a backfill computes in one batch (mismatches from its plan)', async () => {
    const d1 = randomPastDay();
    const d2 = addDays(d1, 1);
    await insertCalls(ctx.clickhouse, database, suite.table, [...dayRows(d1), ...dayRows(d2)]);
    const run = await runCli('backfill', ['--from', d1, '--to', d2, '--force'], env({}));
    assert.equal(run.code, 0, run.stderr);
    for (const date of [d1, d2]) {
      const manifest = parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)));
      assert.equal(manifest.dataQuality?.durationMismatches, 4, date);
      assert.equal(manifest.dataQuality?.rowsRead, 11, date);
    }
  });

  it('under the limit, or without one, records the figures and no warning', async () => {
    const date = randomPastDay();
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(date));
    const run = await runCli('export', ['--date', date], env({ DQ_MAX_LEFT_OUT_SHARE: '0.3', DQ_MODE: 'fail' }));
    assert.equal(run.code, 0, run.stderr);
    const manifest = parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)));
    assert.equal(manifest.dataQuality?.leftOutShare, 0.3);
    assert.equal(manifest.dataQuality?.warning, undefined);
  });

  it('over the limit with DQ_MODE=fail, fails the run without retry, naming the share, and publishes nothing', async () => {
    const date = randomPastDay();
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(date));
    const run = await runCli('export', ['--date', date], env({ DQ_MAX_LEFT_OUT_SHARE: '0.1', DQ_MODE: 'fail' }));
    assert.notEqual(run.code, 0);
    assert.match(
      run.stdout + run.stderr,
      /data quality: 30\.00% of .*conversations \(3 of 10\) left out for a negative duration, over DQ_MAX_LEFT_OUT_SHARE=0\.1/,
    );
    await assert.rejects(readObject(ctx.s3, ctx.deps.bucket, csvKey(suite.prefix, date)), /NoSuchKey|does not exist/);
    await assert.rejects(
      readObject(ctx.s3, ctx.deps.bucket, manifestKey(suite.prefix, date)),
      /NoSuchKey|does not exist/,
    );
    const history = await suite.client.workflow.getHandle(`agent-metrics-${exportName}-${date}`).fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.ok(
      attempts.every((a) => a === 1),
      'nothing was retried',
    );
  });

  it('refuses a limit that is not a fraction, naming the variable', async () => {
    const run = await runCli(
      'export',
      ['--date', randomPastDay()],
      env({ DQ_MAX_LEFT_OUT_SHARE: '5%', DQ_MODE: 'sometimes' }),
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /DQ_MAX_LEFT_OUT_SHARE: expected a fraction from 0 to 1/);
    assert.match(run.stderr, /DQ_MODE: expected 'warn' or 'fail'/);
  });
});
