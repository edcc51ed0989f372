import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { withHeartbeat } from '../../activities/heartbeat';
import { withWatchedQuery } from '../../activities/watched-query';
import { queryRows, streamRows } from '../../lib/clickhouse/query';
import { ClickHouseQueryError, StalledWorkError } from '../../lib/errors';
import { stackContext } from '../helpers/stack-context';

/** A query that runs about `seconds` and reads one row every half second; `tag` finds it in system.processes. */
function slowQuery(tag: string, seconds: number): string {
  return `SELECT sleepEachRow(0.5) AS ${tag} FROM numbers(${seconds * 2}) SETTINGS max_block_size = 1`;
}

function mockEnv(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

describe('long ClickHouse queries of activities: limits, progress, cancellation', function () {
  this.timeout(90_000);
  const ctx = stackContext();

  /** The running queries whose text contains `tag`, from ClickHouse itself (not from the code under test). */
  async function running(tag: string): Promise<{ query_id: string; read_rows: string; settings?: unknown }[]> {
    const rs = await ctx.clickhouse.query({
      query: `SELECT query_id, read_rows FROM system.processes WHERE query LIKE '%${tag}%' AND query NOT LIKE '%system.processes%'`,
      format: 'JSONEachRow',
    });
    return rs.json();
  }

  async function untilRunning(tag: string): Promise<string> {
    for (let i = 0; i < 100; i += 1) {
      const [q] = await running(tag);
      if (q) return q.query_id;
      await delay(100);
    }
    throw new Error(`query ${tag} never showed in system.processes`);
  }

  let tag: string;
  beforeEach(() => {
    tag = `slow_${randomUUID().replace(/-/g, '')}`;
  });

  afterEach(async () => {
    await ctx.clickhouse.command({ query: `KILL QUERY WHERE query LIKE '%${tag}%' SYNC` });
  });

  after(() => ctx.clickhouse.close());

  it('sends the query id it is given, so the query can be watched and killed by it', async () => {
    const queryId = randomUUID();
    const rows = queryRows(ctx.clickhouse, slowQuery(tag, 2), { queryId });
    assert.equal(await untilRunning(tag), queryId);
    await rows;
  });

  it('kills the query on the server when the activity is cancelled, leaving nothing in system.processes', async () => {
    const env = mockEnv({ startToCloseTimeoutMs: 600_000 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const run = env
      .run(() =>
        withWatchedQuery(ctx.clickhouse, (query) => queryRows(ctx.clickhouse, slowQuery(tag, 60), query), undefined, {
          everyMs: 300,
        }),
      )
      .catch((e: unknown) => e);
    await untilRunning(tag);
    await delay(1_500);
    env.cancel();
    const err = await run;
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, /abort|cancel/i, 'ended by the cancellation, not by a time limit');
    assert.deepEqual(await running(tag), [], 'no query left running');
    const read = beats.map((b) => (b as { queryRowsRead: number | null }).queryRowsRead).filter((r) => r !== null);
    assert.ok(read.length >= 2 && read.at(-1)! > read[0]!, `heartbeats report rows read: ${JSON.stringify(beats)}`);
  });

  it('kills a streamed query when the reader stops early', async () => {
    const endless = `SELECT number AS ${tag} FROM system.numbers`;
    for await (const row of streamRows<Record<string, string>>(ctx.clickhouse, endless)) {
      assert.ok(row);
      break;
    }
    assert.deepEqual(await running(tag), []);
  });

  it('gives each query a time limit below the activity start-to-close timeout, and ClickHouse ends it', async () => {
    const env = mockEnv({ startToCloseTimeoutMs: 2_500 });
    const started = Date.now();
    const err = await env
      .run(() => withWatchedQuery(ctx.clickhouse, (query) => queryRows(ctx.clickhouse, slowQuery(tag, 60), query)))
      .catch((e: unknown) => e);
    assert.ok(err instanceof ClickHouseQueryError, String(err));
    assert.equal(err.code, 159);
    assert.equal(err.permanent, true);
    assert.match(err.message, /maximum: 2\b/);
    assert.ok(Date.now() - started < 2_500, 'stopped before the activity would time out');
    assert.deepEqual(await running(tag), []);
  });

  it('detects a stuck progress source within the heartbeat timeout and kills the query', async () => {
    const env = mockEnv({ heartbeatTimeoutMs: 1_000, startToCloseTimeoutMs: 600_000 });
    const started = Date.now();
    const err = await env
      .run(() =>
        withHeartbeat(
          (signal) => queryRows(ctx.clickhouse, slowQuery(tag, 60), { signal }),
          () => 'stuck',
          { everyMs: 200 },
        ),
      )
      .catch((e: unknown) => e);
    assert.ok(err instanceof StalledWorkError, String(err));
    assert.ok(Date.now() - started < 5_000, `noticed within seconds (${Date.now() - started} ms)`);
    assert.deepEqual(await running(tag), []);
  });
});
