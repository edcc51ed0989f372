import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { findDelivery } from '../../lib/s3/delivery';
import { startExportDay } from '../../client/start-export';
import { dayWindow } from '../../lib/days/day-window';
import type { ExportDayInput } from '../../common/export-types';
import { parseManifest } from '../../common/manifest';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { testInput, testTemplate } from '../helpers/export-input';
import { isLegacyFingerprint, readWindowStats } from '../../lib/clickhouse/window-stats';
import { readDayStatuses } from '../../lib/days/day-status';
import { randomPastDay } from '../helpers/random';
import { readObject } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';
import { referenceCsvRows } from '../helpers/reference-metrics';

const HEADER = ['agent_id', 'avg_call_length_sec', 'p90_call_length_sec', 'total_calls', 'date'];

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Edge cases of docs/contract.md §3 plus random agents, for the window [start, end). */
function edgeCaseRows(start: number, end: number, seed: number): CallRow[] {
  const rnd = random(seed);
  const agent = () => randomUUID();
  const rows: CallRow[] = [];
  const one = agent();
  rows.push({ agentId: one, start: start + 100, duration: 437 });
  const two = agent();
  rows.push({ agentId: two, start: start + 200, duration: 10 }, { agentId: two, start: start + 300, duration: 20 });
  const ties = agent();
  for (let i = 0; i < 5; i += 1) rows.push({ agentId: ties, start: start + 400 + i, duration: 60 });
  // Window edges: the first second is in, the end instant and the second before the start are out.
  const edges = agent();
  rows.push({ agentId: edges, start, duration: 1 });
  rows.push({ agentId: edges, start: end - 1, duration: 3 });
  rows.push({ agentId: edges, start: end, duration: 1000 });
  rows.push({ agentId: edges, start: start - 1, duration: 1000 });
  // Only other statuses: no row for this agent.
  const missed = agent();
  rows.push(
    { agentId: missed, start: start + 500, duration: 30, status: 'Missed' },
    { agentId: missed, start: start + 501, duration: 0, status: 'Voicemail' },
  );
  // Duplicates: an identical retried insert counts once; an appended update replaces the conversation.
  const dup = agent();
  const same = {
    agentId: dup,
    conversationId: randomUUID(),
    start: start + 600,
    duration: 100,
    updatedAt: start + 700,
  };
  rows.push(same, same, same);
  const updated = randomUUID();
  rows.push({ agentId: dup, conversationId: updated, start: start + 800, duration: 50, updatedAt: start + 900 });
  rows.push({ agentId: dup, conversationId: updated, start: start + 800, duration: 75, updatedAt: start + 1900 });
  const turnedMissed = randomUUID();
  rows.push({
    agentId: dup,
    conversationId: turnedMissed,
    start: start + 1000,
    duration: 999,
    updatedAt: start + 1100,
  });
  rows.push({
    agentId: dup,
    conversationId: turnedMissed,
    start: start + 1000,
    duration: 0,
    status: 'Missed',
    updatedAt: start + 1200,
  });
  // Negative durations are left out (and counted).
  const negative = agent();
  rows.push(
    { agentId: negative, start: start + 1300, duration: -5 },
    { agentId: negative, start: start + 1301, duration: 40 },
  );
  // An average that ends in exactly half a cent: 1/8 = 0.125 rounds half up to 0.13.
  const half = agent();
  for (let i = 0; i < 8; i += 1) rows.push({ agentId: half, start: start + 1400 + i, duration: i === 0 ? 1 : 0 });
  // Upper-case-looking ids sort by their lowercase text; a UUID column prints lowercase anyway.
  rows.push({ agentId: '00000000-0000-4000-8000-00000000000f', start: start + 1500, duration: 7 });
  rows.push({ agentId: 'f0000000-0000-4000-8000-000000000000', start: start + 1501, duration: 8 });
  // More than 8,192 calls: ClickHouse's plain quantile would sample here.
  const busy = agent();
  for (let i = 0; i < 9_000; i += 1) {
    rows.push({
      agentId: busy,
      start: start + Math.floor(rnd() * (end - start)),
      duration: Math.floor(rnd() ** 3 * 5_000),
    });
  }
  // Random agents with skewed counts and durations, every status.
  const statuses = ['Answered', 'Answered', 'Answered', 'Missed', 'Rejected', 'Hangup', 'Voicemail'] as const;
  for (let a = 0; a < 60; a += 1) {
    const id = agent();
    const calls = 1 + Math.floor(rnd() ** 2 * 400);
    for (let i = 0; i < calls; i += 1) {
      rows.push({
        agentId: id,
        start: start + Math.floor(rnd() * (end - start)),
        duration: Math.floor(rnd() ** 2 * 3_600),
        status: statuses[Math.floor(rnd() * statuses.length)]!,
      });
    }
  }
  return rows;
}

describe('daily export on the real stack: exact numbers', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx);
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;

  async function exportAndRead(input: ExportDayInput) {
    const handle = await startExportDay(suite.client, suite.worker.taskQueue, input);
    const result = await handle.result();
    const csv = await readObject(ctx.s3, ctx.deps.bucket, csvKey(input.prefix, input.date));
    const manifest = parseManifest(await readObject(ctx.s3, ctx.deps.bucket, manifestKey(input.prefix, input.date)));
    const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
    return { result, csv, manifest, header: parsed.data[0], rows: parsed.data.slice(1) };
  }

  it('matches an independent R7 reference on edge cases and random data, to the cent', async () => {
    const date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    const rows = edgeCaseRows(w.startEpoch, w.endEpoch, 42);
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    const {
      result,
      csv,
      header,
      rows: got,
      manifest,
    } = await exportAndRead(testInput(date, suite.table, suite.prefix));
    const expected = referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, ['Answered'], date);
    assert.deepEqual(header, HEADER);
    assert.equal(got.length, expected.length);
    for (let i = 0; i < expected.length; i += 1) assert.deepEqual(got[i], expected[i], `row ${i + 1}`);
    assert.ok(csv.endsWith('\n') && !csv.includes('\r') && !csv.startsWith('\ufeff'));
    assert.equal(result.result, 'exported');
    assert.equal(result.agentRows, expected.length);
    assert.equal(manifest.agentRows, expected.length);
    assert.equal(manifest.leftOut.duplicateRows, 2 + 1 + 1, 'two identical re-inserts and two superseded versions');
    assert.equal(manifest.leftOut.negativeDuration, 1);
    const inWindow = rows.filter((r) => r.start >= w.startEpoch && r.start < w.endEpoch);
    assert.equal(manifest.sourceRows, inWindow.length);
  });

  it('uses the 23-hour and 25-hour local days of a DST change, edges included', async () => {
    for (const date of ['2018-03-11', '2018-11-04']) {
      const w = dayWindow(date, 'America/New_York');
      const agent = randomUUID();
      const rows: CallRow[] = [
        { agentId: agent, start: w.startEpoch, duration: 10 },
        { agentId: agent, start: w.endEpoch - 1, duration: 20 },
        { agentId: agent, start: w.endEpoch, duration: 5_000 },
        { agentId: agent, start: w.startEpoch - 1, duration: 5_000 },
        { agentId: agent, start: w.startEpoch + 22 * 3600 + 1800, duration: 30 },
      ];
      await insertCalls(ctx.clickhouse, database, suite.table, rows);
      const input = testInput(date, suite.table, suite.prefix, { timezone: 'America/New_York' });
      const { rows: got, manifest } = await exportAndRead(input);
      const expected = referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, ['Answered'], date);
      assert.deepEqual(got, expected, date);
      assert.equal(manifest.window.hours, date === '2018-03-11' ? 23 : 25);
      assert.equal(manifest.window.start, w.startIso);
      assert.equal(Number(got[0]![3]), 3, `${date}: the two edge calls inside and the 23rd-hour call`);
    }
  });

  it('includes the statuses INCLUDE_STATUSES names', async () => {
    const date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    const rows = edgeCaseRows(w.startEpoch, w.endEpoch, 7);
    await insertCalls(ctx.clickhouse, database, suite.table, rows);
    const statuses = ['Answered', 'Missed', 'Voicemail'] as const;
    const { rows: got } = await exportAndRead(testInput(date, suite.table, suite.prefix, { statuses: [...statuses] }));
    assert.deepEqual(got, referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, [...statuses], date));
  });

  it('compares a manifest of an earlier release by its row hash: up to date while unchanged, exported once a row changes', async () => {
    const date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    const agent = randomUUID();
    const conversation = randomUUID();
    const call = { agentId: agent, conversationId: conversation, start: w.startEpoch + 60 };
    await insertCalls(ctx.clickhouse, database, suite.table, [
      { ...call, duration: 100, updatedAt: w.startEpoch + 200 },
    ]);
    const first = await exportAndRead(testInput(date, suite.table, suite.prefix));
    const input = { date, timezone: 'UTC', table: suite.table };
    const legacy = await readWindowStats(ctx.deps, input, {}, 'legacy');
    const current = await readWindowStats(ctx.deps, input);
    assert.equal(first.manifest.sourceFingerprint, current.fingerprint);
    assert.ok(!isLegacyFingerprint(current.fingerprint) && isLegacyFingerprint(legacy.fingerprint));
    assert.equal(legacy.fingerprint.split(':')[0], current.fingerprint.split(':')[1], 'the same row count');
    // The manifest as an earlier release wrote it: the fingerprint of its row hash.
    const key = manifestKey(suite.prefix, date);
    const earlier = JSON.parse(await readObject(ctx.s3, ctx.deps.bucket, key)) as Record<string, unknown>;
    earlier.sourceFingerprint = legacy.fingerprint;
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: ctx.deps.bucket,
        Key: key,
        Body: JSON.stringify(earlier),
        ContentType: 'application/json',
      }),
    );
    const again = await (
      await startExportDay(suite.client, suite.worker.taskQueue, testInput(date, suite.table, suite.prefix))
    ).result();
    assert.equal(again.result, 'up-to-date');
    const template = testTemplate(suite.table, suite.prefix);
    const [status] = await readDayStatuses(ctx.deps, suite.client, { days: [date], template });
    assert.equal(status?.delivery.state, 'verified', status?.delivery.detail);
    // Without the earlier hash to compare with, the day shows as changed rather than wrongly up to date.
    const q = {
      date,
      prefix: suite.prefix,
      timezone: 'UTC',
      statuses: ['Answered' as const],
      fingerprint: current.fingerprint,
    };
    assert.equal((await findDelivery(ctx.deps, q)).state, 'stale');
    await insertCalls(ctx.clickhouse, database, suite.table, [
      { ...call, duration: 300, updatedAt: w.startEpoch + 900 },
    ]);
    const third = await exportAndRead(testInput(date, suite.table, suite.prefix));
    assert.equal(third.result.result, 'exported');
    assert.deepEqual(third.rows, [[agent, '300', '300', '1', date]]);
    assert.ok(!isLegacyFingerprint(third.manifest.sourceFingerprint));
  });

  it('reports a verified, unchanged day as up to date, and re-exports it whole when a row changes', async () => {
    const date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    const agent = randomUUID();
    const conversation = randomUUID();
    await insertCalls(ctx.clickhouse, database, suite.table, [
      {
        agentId: agent,
        conversationId: conversation,
        start: w.startEpoch + 60,
        duration: 100,
        updatedAt: w.startEpoch + 200,
      },
    ]);
    const first = await exportAndRead(testInput(date, suite.table, suite.prefix));
    const again = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      testInput(date, suite.table, suite.prefix),
    );
    const second = await again.result();
    assert.equal(second.result, 'up-to-date');
    assert.equal(second.generatedAt, first.manifest.generatedAt);
    // Late data: an appended update of the same conversation makes the day stale.
    await insertCalls(ctx.clickhouse, database, suite.table, [
      {
        agentId: agent,
        conversationId: conversation,
        start: w.startEpoch + 60,
        duration: 300,
        updatedAt: w.startEpoch + 900,
      },
    ]);
    const stats = await (
      await import('../../lib/clickhouse/window-stats')
    ).readWindowStats(ctx.deps, { date, timezone: 'UTC', table: suite.table });
    const check = await findDelivery(ctx.deps, {
      date,
      prefix: suite.prefix,
      timezone: 'UTC',
      statuses: ['Answered'],
      fingerprint: stats.fingerprint,
    });
    assert.equal(check.state, 'stale');
    const third = await exportAndRead(testInput(date, suite.table, suite.prefix));
    assert.equal(third.result.result, 'exported');
    assert.deepEqual(third.rows, [[agent, '300', '300', '1', date]]);
    assert.equal(third.manifest.replaces?.sha256, first.manifest.csv.sha256);
    assert.notEqual(third.manifest.sourceFingerprint, first.manifest.sourceFingerprint);
    const staging = await ctx.s3.send(
      new ListObjectsV2Command({ Bucket: ctx.deps.bucket, Prefix: `${suite.prefix}/_staging/` }),
    );
    assert.equal(staging.KeyCount ?? 0, 0, 'each run removed its staging objects');
  });

  it('publishes a header-only file and its manifest for an empty day when ON_EMPTY=publish', async () => {
    const date = randomPastDay();
    const { csv, manifest, result } = await exportAndRead(
      testInput(date, suite.table, suite.prefix, { onEmpty: 'publish' }),
    );
    assert.equal(csv, `${HEADER.join(',')}\n`);
    assert.equal(result.agentRows, 0);
    assert.match(manifest.emptyReason ?? '', /MIN_ROWS/);
  });

  it('fails with "no data for D" for an empty day when ON_EMPTY=fail, and writes nothing', async () => {
    const date = randomPastDay();
    const handle = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      testInput(date, suite.table, suite.prefix),
    );
    await assert.rejects(handle.result(), (err: Error & { cause?: Error }) => {
      assert.match(err.cause?.message ?? '', new RegExp(`^no data for ${date}: 0 rows`));
      return true;
    });
    await assert.rejects(readObject(ctx.s3, ctx.deps.bucket, csvKey(suite.prefix, date)), /NoSuchKey|does not exist/);
  });
});
