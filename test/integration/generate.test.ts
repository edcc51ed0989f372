import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { DateTime } from 'luxon';
import { CALL_STATUSES } from '../../common/call-status';
import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import { qualifiedName, quoteString } from '../../lib/clickhouse/sql-literals';
import { generateConversations, type GenerateOptions, type GenerateSummary } from '../../tools/generate/calls';
import { readStackEnvFile, REPO_ROOT } from '../helpers/stack';

// CLICKHOUSE_* from the environment, else from the local stack (.stack/stack.env).
const env: NodeJS.ProcessEnv = { ...readStackEnvFile(), ...process.env };
const { clickhouse: settings } = loadConfig(['clickhouse'], env);
const database = settings.CLICKHOUSE_DATABASE;
const NY = 'America/New_York';

/** Local-day window by luxon, independently of the generator's own code. */
function window(date: string, zone: string): [number, number] {
  const start = DateTime.fromISO(`${date}T00:00:00`, { zone });
  return [start.toSeconds(), start.plus({ days: 1 }).toSeconds()];
}

describe('npm run generate (ClickHouse)', function () {
  this.timeout(300_000);
  let ch: ClickHouseClient;
  const tables: string[] = [];

  async function newTable(): Promise<string> {
    const table = `generate_${randomBytes(5).toString('hex')}`;
    const ddl = readFileSync(path.join(REPO_ROOT, 'scripts', 'stack', 'conversations.sql'), 'utf8')
      .replace(/^--.*$/gm, '')
      .replace('CREATE TABLE conversations', `CREATE TABLE ${qualifiedName(database, table)}`)
      .replace(/;\s*$/, '');
    await ch.command({ query: ddl });
    tables.push(table);
    return table;
  }
  /** The first row of a query, every value as a number (64-bit integers arrive as strings). */
  async function one(query: string): Promise<Record<string, number>> {
    const rows = await (await ch.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    assert.ok(rows[0] !== undefined, `no row from ${query}`);
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  }
  const generate = (table: string, o: Partial<GenerateOptions>) =>
    generateConversations(ch, {
      database,
      table,
      from: '2024-03-10',
      to: '2024-03-10',
      callsPerDay: 1000,
      agents: 10,
      seed: 1,
      timezone: 'UTC',
      ...o,
    });
  /** An order-independent checksum of every column of every row. */
  const checksum = async (table: string) => {
    const query = `SELECT toString(count()) AS rows, toString(sum(cityHash64(toString(customer_id),
      toString(conversation_id), toString(agent_id), call_start, call_end, call_duration_sec, toString(call_status),
      transcript, toString(sentiment_score), arrayStringConcat(keywords, '|'), created_at, updated_at))) AS sum
      FROM ${qualifiedName(database, table)}`;
    return (await (await ch.query({ query, format: 'JSONEachRow' })).json<{ rows: string; sum: string }>())[0];
  };

  before(async () => {
    ch = createClickHouse(settings);
  });
  after(async () => {
    for (const table of tables) await ch.command({ query: `DROP TABLE IF EXISTS ${qualifiedName(database, table)}` });
    await ch.close();
  });

  describe('on the DST days of New York', () => {
    let table: string;
    const summaries: GenerateSummary[] = [];
    const options = {
      callsPerDay: 20_000,
      agents: 25,
      seed: 11,
      timezone: NY,
      duplicateRate: 0.01,
      updateRate: 0.02,
      negativeRate: 0.001,
    };

    before(async () => {
      table = await newTable();
      summaries.push(await generate(table, { ...options, from: '2024-03-09', to: '2024-03-10', chunkCalls: 7_000 }));
      summaries.push(await generate(table, { ...options, from: '2024-11-03', to: '2024-11-03' }));
    });

    it("puts each day's rows inside its local window, the 23- and 25-hour days included", async () => {
      const days = summaries.flatMap((s) => s.days);
      assert.deepEqual(
        days.map((d) => d.date),
        ['2024-03-09', '2024-03-10', '2024-11-03'],
      );
      let total = 0;
      for (const day of days) {
        const [start, end] = window(day.date, NY);
        const got = await one(`SELECT count() AS n,
          toUInt32(min(call_start)) AS first, toUInt32(max(call_start)) AS last FROM ${qualifiedName(database, table)}
          WHERE call_start >= ${start} AND call_start < ${end}`);
        assert.equal(got.n, 20_000 + 200 + 400, day.date);
        assert.equal(day.rows, got.n);
        assert.ok(start + 900 > got.first! && got.last! > end - 900, `${day.date} spread over its whole window`);
        total += got.n!;
      }
      assert.equal((await one(`SELECT count() AS n FROM ${qualifiedName(database, table)}`)).n, total);
    });

    it('writes every status, Answered most, with skewed durations and sentiments in [-1, 1]', async () => {
      const t = qualifiedName(database, table);
      const statuses = await (
        await ch.query({
          query: `SELECT toString(call_status) AS s, count() AS n FROM ${t} GROUP BY s ORDER BY n DESC`,
          format: 'JSONEachRow',
        })
      ).json<{ s: string; n: number }>();
      assert.deepEqual(statuses.map((r) => r.s).sort(), [...CALL_STATUSES].sort());
      assert.equal(statuses[0]?.s, 'Answered');
      const stats = await one(`SELECT min(sentiment_score) AS minS, max(sentiment_score) AS maxS,
        countIf(call_end != call_start + call_duration_sec) AS badEnd, countIf(call_duration_sec < 0) AS negative,
        quantileExactIf(0.5)(call_duration_sec, call_status = 'Answered') AS median,
        maxIf(call_duration_sec, call_status = 'Answered') AS longest,
        countIf(call_duration_sec > 0 AND call_status IN ('Missed')) AS missedWithTime,
        countIf(call_status = 'Answered' AND (position(transcript, 'Agent: ') != 1 OR empty(keywords))) AS blank,
        uniqExact(agent_id) AS agents, uniqExact(customer_id) AS customers FROM ${t}`);
      assert.ok(stats.minS! >= -1 && stats.maxS! <= 1 && stats.minS! < 0 && stats.maxS! > 0, JSON.stringify(stats));
      assert.equal(stats.badEnd, 0);
      assert.ok(stats.negative! > 0 && stats.negative! < 200, `a handful of negative durations (${stats.negative})`);
      assert.ok(stats.median! >= 120 && stats.median! <= 420, `median answered call ${stats.median} s`);
      assert.ok(stats.longest! > 1800, 'a long tail');
      assert.equal(stats.missedWithTime, 0);
      assert.equal(stats.blank, 0);
      assert.equal(stats.agents, 25);
      assert.ok(stats.customers! > 1000);
      const shares = await (
        await ch.query({ query: `SELECT count() AS n FROM ${t} GROUP BY agent_id ORDER BY n`, format: 'JSONEachRow' })
      ).json<{ n: number }>();
      assert.ok(shares.at(-1)!.n > 2 * shares[0]!.n, 'the busiest agent takes over twice the calls of the quietest');
    });

    it('adds the counted identical duplicates and later updates of the same call', async () => {
      const t = qualifiedName(database, table);
      const got = await one(`SELECT
        countIf(n = 2 AND versions = 1) AS dups, countIf(n = 2 AND versions = 2) AS upds,
        countIf(versions = 2 AND NOT (starts = 1 AND agents = 1 AND last_update > first_update)) AS badUpds,
        countIf(versions = 2 AND contents = 2) AS changed
        FROM (SELECT conversation_id, count() AS n, uniqExact(updated_at) AS versions, uniqExact(call_start) AS starts,
          uniqExact(agent_id) AS agents, max(updated_at) AS last_update, min(updated_at) AS first_update,
          uniqExact(call_duration_sec, call_status, transcript) AS contents
          FROM ${t} GROUP BY conversation_id)`);
      const expected = summaries
        .flatMap((s) => s.days)
        .reduce((a, d) => ({ d: a.d + d.duplicates, u: a.u + d.updates }), { d: 0, u: 0 });
      assert.deepEqual([got.dups, got.upds], [expected.d, expected.u]);
      assert.deepEqual([expected.d, expected.u], [600, 1200]);
      assert.equal(got.badUpds, 0);
      assert.ok(
        got.changed! > 0.9 * got.upds!,
        `${got.changed} of ${got.upds} updates change duration, status or text`,
      );
    });
  });

  it('produces the same rows for the same seed, whatever the chunking and concurrency', async () => {
    const [a, b, c] = [await newTable(), await newTable(), await newTable()];
    const o = {
      from: '2024-10-30',
      to: '2024-11-01',
      callsPerDay: 3000,
      agents: 7,
      seed: 99,
      timezone: 'Europe/Paris',
    };
    await generate(a, { ...o, chunkCalls: 1000, concurrency: 1 });
    await generate(b, { ...o, chunkCalls: 256, concurrency: 4 });
    await generate(c, { ...o, seed: 100 });
    const [sa, sb, sc] = [await checksum(a), await checksum(b), await checksum(c)];
    assert.deepEqual(sa, sb);
    assert.equal(sa?.rows, String(3 * 3030));
    assert.notEqual(sa?.sum, sc?.sum);
  });

  it('writes string literals that ClickHouse reads back unchanged', async () => {
    const nasty = "O'Brien \\ \" ` \n\t\r \0 \u0001 Zoë 東京 😀 '; DROP TABLE x; --";
    const rows = await (
      await ch.query({ query: `SELECT ${quoteString(nasty)} AS s`, format: 'JSONEachRow' })
    ).json<{ s: string }>();
    assert.equal(rows[0]?.s, nasty);
  });

  describe('command line', () => {
    const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
      spawnSync(
        process.execPath,
        ['-r', 'ts-node/register', path.join(REPO_ROOT, 'tools', 'generate', 'main.ts'), ...args],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          env: { ...env, TS_NODE_TRANSPILE_ONLY: '1', ...extraEnv },
          timeout: 120_000,
        },
      );

    it('exits 2 with a clear message on bad arguments and inserts nothing', async () => {
      const table = await newTable();
      const cases: [string[], RegExp][] = [
        [['--from', '2024-02-30', '--to', '2024-03-01'], /--from: expected a real calendar date/],
        [['--from', '2024-03-02', '--to', '2024-03-01'], /--to: must not be before --from/],
        [['--from', '2024-03-01', '--to', '2024-03-01', '--calls-per-day', '0'], /--calls-per-day/],
        [['--from', '2024-03-01', '--to', '2024-03-01', '--timezone', 'Nowhere/Land'], /--timezone/],
        [['--from', '2024-03-01', '--to', '2024-03-01', '--bogus'], /unknown option '--bogus'/],
        [['--to', '2024-03-01'], /--from/],
      ];
      for (const [args, message] of cases) {
        const run = cli(args, { CLICKHOUSE_TABLE: table });
        assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, message);
      }
      assert.equal((await one(`SELECT count() AS n FROM ${qualifiedName(database, table)}`)).n, 0);
    });

    it('inserts and prints a per-day summary, and exits 1 when the table is missing', async () => {
      const table = await newTable();
      const ok = cli(
        [
          '--from',
          '2024-11-03',
          '--to',
          '2024-11-04',
          '--calls-per-day',
          '400',
          '--agents',
          '3',
          '--seed',
          '5',
          '--timezone',
          NY,
        ],
        { CLICKHOUSE_TABLE: table },
      );
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(
        ok.stdout,
        /2024-11-03 {2}2024-11-03T04:00:00\.000Z \.\. 2024-11-04T05:00:00\.000Z {2}404 rows: 400 calls, 2 duplicates, 2 updates/,
      );
      assert.match(ok.stdout, /Total: 808 rows/);
      assert.match(ok.stderr, /2024-11-0[34]: 800\/800 calls, 808 rows/);
      assert.equal((await one(`SELECT count() AS n FROM ${qualifiedName(database, table)}`)).n, 808);
      const missing = cli(['--from', '2024-11-03', '--to', '2024-11-03'], {
        CLICKHOUSE_TABLE: `missing_${randomBytes(4).toString('hex')}`,
      });
      assert.equal(missing.status, 1);
      assert.match(
        missing.stderr,
        /generate: Inserting calls 0\.\.9999 of 2024-11-03 into .*missing_.* failed: .*(doesn't|does not) exist/,
      );
    });
  });
});
