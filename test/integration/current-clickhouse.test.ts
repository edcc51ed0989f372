import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import type { CallStatus } from '../../common/call-status';
import { conversationsDdl } from '../../lib/clickhouse/conversations-table';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { dayWindow } from '../../lib/days/day-window';
import { agentMetricsSql, windowStatsSql } from '../../lib/clickhouse/metrics-sql';
import { qualifiedName, quoteIdentifier } from '../../lib/clickhouse/sql-literals';
import { generateConversations } from '../../tools/generate/calls';
import { planGeneration } from '../../tools/generate/plan';
import { insertChunkSql } from '../../tools/generate/sql';
import { runOnCurrentClickHouse } from '../helpers/current-clickhouse';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { stackContext } from '../helpers/stack-context';

// Three local days around the end of DST in New York: 24, 25 and 24 hours.
const TZ = 'America/New_York';
const DAYS = ['2024-11-02', '2024-11-03', '2024-11-04'];
const STATUS_SETS: readonly (readonly CallStatus[])[] = [['Answered'], ['Answered', 'Missed', 'Voicemail']];

/** The edge cases of docs/contract.md §3 on each day, plus an agent with more calls than ClickHouse's quantile samples. */
function edgeRows(): CallRow[] {
  const rows: CallRow[] = [];
  for (const date of DAYS) {
    const w = dayWindow(date, TZ);
    const [one, two, ties, edges, mixed] = Array.from({ length: 5 }, () => randomUUID());
    rows.push({ agentId: one!, start: w.startEpoch + 100, duration: 61 });
    rows.push(
      { agentId: two!, start: w.startEpoch + 200, duration: 10 },
      { agentId: two!, start: w.startEpoch + 300, duration: 15 },
    );
    for (let i = 0; i < 7; i += 1)
      rows.push({ agentId: ties!, start: w.startEpoch + 400 + i, duration: i < 4 ? 30 : 90 });
    rows.push(
      { agentId: edges!, start: w.startEpoch, duration: 1 },
      { agentId: edges!, start: w.endEpoch - 1, duration: 2 },
      { agentId: edges!, start: w.endEpoch, duration: 1_000 },
      { agentId: edges!, start: w.startEpoch - 1, duration: 1_000 },
    );
    const dup = { agentId: mixed!, conversationId: randomUUID(), start: w.startEpoch + 500, duration: 40 };
    const updated = randomUUID();
    rows.push(
      dup,
      dup,
      {
        agentId: mixed!,
        conversationId: updated,
        start: w.startEpoch + 600,
        duration: 5,
        updatedAt: w.startEpoch + 700,
      },
      {
        agentId: mixed!,
        conversationId: updated,
        start: w.startEpoch + 600,
        duration: 500,
        updatedAt: w.startEpoch + 900,
      },
      { agentId: mixed!, start: w.startEpoch + 800, duration: -3 },
      { agentId: mixed!, start: w.startEpoch + 810, duration: 20, status: 'Missed' },
      { agentId: mixed!, start: w.startEpoch + 820, duration: 25, status: 'Voicemail' },
      { agentId: mixed!, start: w.startEpoch + 830, duration: 25, status: 'Rejected' },
    );
  }
  const busy = randomUUID();
  const w = dayWindow(DAYS[1]!, TZ);
  for (let i = 0; i < 9_000; i += 1) {
    rows.push({ agentId: busy, start: w.startEpoch + i * 9, duration: (i * 7_919) % 3_601 });
  }
  return rows;
}

/**
 * Every query the product sends for these days: per-day stats and metrics, the batch forms, and the batch forms of
 * an export of one customer's rows (docs/contract.md §11).
 */
function productQueries(database: string, table: string, customerId: string): string[] {
  const perDay = DAYS.flatMap((date) => {
    const w = { database, table, ...dayWindow(date, TZ) };
    const one = { database, table, slots: daySlots([date], TZ) };
    return [windowStatsSql(w), ...STATUS_SETS.flatMap((s) => [agentMetricsSql(w, s), batchAgentMetricsSql(one, s)])];
  });
  const b = { database, table, slots: daySlots(DAYS, TZ) };
  const one = { database, table, slots: daySlots(DAYS, TZ, customerId) };
  // The form for a Distributed table (GLOBAL IN) too: on one table it must compute the same.
  const global = batchAgentMetricsSql({ ...b, distributed: true }, STATUS_SETS[0]!);
  return [
    ...perDay,
    batchWindowStatsSql(b),
    ...STATUS_SETS.map((s) => batchAgentMetricsSql(b, s)),
    global,
    batchWindowStatsSql(one),
    batchAgentMetricsSql(one, STATUS_SETS[1]!),
  ];
}

/**
 * Rows to compare across versions: 64-bit integers come quoted or not depending on the version's JSON settings (the
 * product reads both with Number()), so every value is compared as text. Without `hash`, the fingerprint's hash sum
 * is left out (rows whose created_at/updated_at came from each server's now() hash differently).
 */
function comparable(rows: readonly Record<string, unknown>[], hash = true): Record<string, string>[] {
  return rows.map(({ row_hash_sum: sum, ...rest }) =>
    Object.fromEntries(
      Object.entries(hash && sum !== undefined ? { ...rest, row_hash_sum: sum } : rest).map(([k, v]) => [
        k,
        typeof v === 'object' ? JSON.stringify(v) : String(v),
      ]),
    ),
  );
}

describe('the same SQL on current ClickHouse (chdb-core, embedded) as on 18.16', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let generated: string;
  let edges: string;

  before(async () => {
    generated = await createConversationsTable(ctx.clickhouse, database);
    edges = await createConversationsTable(ctx.clickhouse, database);
  });

  after(async () => {
    await dropTable(ctx.clickhouse, database, generated);
    await dropTable(ctx.clickhouse, database, edges);
    await ctx.clickhouse.close();
  });

  async function on1816(queries: readonly string[]): Promise<Record<string, unknown>[][]> {
    return Promise.all(
      queries.map(async (query) => (await ctx.clickhouse.query({ query, format: 'JSONEachRow' })).json()),
    );
  }

  async function busiestCustomer(table: string): Promise<string> {
    const rs = await ctx.clickhouse.query({
      query: `SELECT toString(customer_id) AS id FROM ${qualifiedName(database, table)}
        GROUP BY customer_id ORDER BY count() DESC, id LIMIT 1`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ id: string }>();
    return row!.id;
  }

  /** The table's rows as JSONEachRow, times as epoch seconds so no server time zone is involved. */
  async function dump(table: string): Promise<string> {
    const rs = await ctx.clickhouse.query({
      query: `SELECT customer_id, conversation_id, agent_id, toUInt32(call_start) AS call_start,
        toUInt32(call_end) AS call_end, call_duration_sec, call_status, transcript, sentiment_score, keywords,
        toUInt32(created_at) AS created_at, toUInt32(updated_at) AS updated_at
        FROM ${qualifiedName(database, table)}`,
      format: 'JSONEachRow',
    });
    return rs.text();
  }

  it('creates the customer table, generates the same synthetic days, and computes every day and batch alike', async () => {
    const options = {
      database,
      table: generated,
      from: DAYS[0]!,
      to: DAYS[2]!,
      callsPerDay: 4_000,
      agents: 30,
      seed: 11,
      timezone: TZ,
    };
    await generateConversations(ctx.clickhouse, options);
    await insertCalls(ctx.clickhouse, database, edges, edgeRows());
    const [generatedDump, edgeDump] = await Promise.all([dump(generated), dump(edges)]);

    // On current ClickHouse: the customer's DDL; the generator's own INSERTs; the 18.16 rows loaded as they are.
    const fromGenerator = 'generated_here';
    const statements = [
      `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`,
      ...[generated, edges, fromGenerator].map((t) => conversationsDdl(database, t)),
      ...planGeneration({ ...options, table: fromGenerator }).chunks.map((c) => insertChunkSql(c.spec)),
      `INSERT INTO ${qualifiedName(database, generated)} FORMAT JSONEachRow\n${generatedDump}`,
      `INSERT INTO ${qualifiedName(database, edges)} FORMAT JSONEachRow\n${edgeDump}`,
    ];
    // The busiest customer of each table (the generator makes the same customers on both versions).
    const customer = new Map<string, string>();
    for (const t of [generated, edges]) customer.set(t, await busiestCustomer(t));
    customer.set(fromGenerator, customer.get(generated)!);
    const queries = (t: string) => productQueries(database, t, customer.get(t)!);
    const tables = [generated, edges, fromGenerator];
    const current = await runOnCurrentClickHouse(statements, tables.flatMap(queries));
    assert.match(current.version, /^26\.9\./, 'chdb-core 26.9.0 (scripts/stack/common.sh) embeds ClickHouse 26.9');
    const perTable = queries(generated).length;
    const old = await on1816([...queries(generated), ...queries(edges)]);

    const names = (t: string) => queries(t).map((_, i) => `${t} query ${i}`);
    for (const [i, name] of [...names(generated), ...names(edges)].entries()) {
      assert.ok(old[i]!.length > 0, `${name}: rows on 18.16`);
      assert.deepEqual(
        comparable(current.results[i]!),
        comparable(old[i]!),
        `${name}: current ClickHouse = 18.16, fingerprints included`,
      );
    }
    // The generator run on current ClickHouse made the same calls as on 18.16 (same seed): same counts and metrics.
    const ownGeneration = current.results.slice(2 * perTable);
    for (const [i, rows] of ownGeneration.entries()) {
      assert.deepEqual(
        comparable(rows, false),
        comparable(old[i]!, false),
        `generator on current ClickHouse, query ${i}`,
      );
    }
  });
});
