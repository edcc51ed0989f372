import assert from 'node:assert/strict';
import type { CallStatus } from '../../common/call-status';
import { CALL_STATUSES } from '../../common/call-status';
import { batchAgentMetricsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { dayWindow } from '../../lib/days/day-window';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { percentile90, referenceCsvRows } from '../helpers/reference-metrics';
import { stackContext } from '../helpers/stack-context';

// Three local days around the start of DST in Berlin: 24, 23 and 24 hours.
const TZ = 'Europe/Berlin';
const DAYS = ['2024-03-30', '2024-03-31', '2024-04-01'];
const STATUS_SETS: readonly (readonly CallStatus[])[] = [['Answered'], ['Answered', 'Missed', 'Voicemail']];

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const uuid = (n: number, kind: number) =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * Rows full of the cases the dedupe must get right: conversations with several rows (identical re-inserts, updates
 * that move them to another agent, status or duration, or out of the day), the same id on two days, negative
 * durations, every status, agents with one and two calls, rows at the day's edges. With `ties`, versions of a
 * conversation often share updated_at with different contents (the tie-break decides); without, only identical
 * re-inserts tie, so any reading of the contract picks the same row.
 */
function edgeRows(seed: number, ties: boolean): CallRow[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const rows: CallRow[] = [];
  let stamp = 1_700_000_000;
  const version = (base: CallRow): CallRow => ({
    ...base,
    agentId: rnd() < 0.3 ? uuid(Math.floor(rnd() * 8), 1) : base.agentId,
    duration: rnd() < 0.3 ? pick([-7, 0, 1, 30, 31, 600]) : base.duration,
    status: rnd() < 0.3 ? pick(CALL_STATUSES) : base.status!,
    updatedAt: ties ? 1_700_000_000 + Math.floor(rnd() * 3) : (stamp += 1),
  });
  for (const date of DAYS) {
    const w = dayWindow(date, TZ);
    const len = w.endEpoch - w.startEpoch;
    rows.push({ agentId: uuid(100 + DAYS.indexOf(date), 2), start: w.startEpoch + 5, duration: 42 });
    for (const d of [10, 11])
      rows.push({ agentId: uuid(200 + DAYS.indexOf(date), 2), start: w.endEpoch - 1, duration: d });
    for (let c = 0; c < 120; c += 1) {
      const first: CallRow = {
        conversationId: uuid(c % 90, 3),
        agentId: uuid(Math.floor(rnd() * 8), 1),
        start: pick([w.startEpoch, w.endEpoch - 1, w.startEpoch + Math.floor(rnd() * len)]),
        duration: pick([-3, 0, 1, 2, 5, 30, 30, 59, 61, 300, 3_601]),
        status: rnd() < 0.6 ? 'Answered' : pick(CALL_STATUSES),
        updatedAt: ties ? 1_700_000_000 + Math.floor(rnd() * 3) : (stamp += 1),
      };
      rows.push(first);
      const extra = Math.floor(rnd() * 4);
      for (let v = 0; v < extra; v += 1) {
        const r = rnd();
        if (r < 0.3) rows.push({ ...first });
        else if (r < 0.9) rows.push(version(first));
        else rows.push({ ...version(first), start: w.endEpoch + 10 });
      }
    }
  }
  return rows;
}

interface Aggregates {
  calls: number;
  total: number;
  arr: number[];
  conversations: number;
  negative: number;
  other: number;
}

describe('the metrics query against a straightforward dedupe (argMax per conversation, then per agent)', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const tables: string[] = [];

  after(async () => {
    for (const t of tables) await dropTable(ctx.clickhouse, database, t);
    await ctx.clickhouse.close();
  });

  type Row = Record<string, string>;
  async function query(sql: string): Promise<Row[]> {
    return (await ctx.clickhouse.query({ query: sql, format: 'JSONEachRow' })).json<Row>();
  }

  /** The reference, one day at a time: the latest row of each conversation (ties: duration, status, agent), then per agent. */
  async function reference(table: string, date: string, statuses: readonly CallStatus[]) {
    const w = dayWindow(date, TZ);
    const ok = `status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;
    const rows = await query(`SELECT
  toString(agent) AS agent_id,
  countIf(${ok} AND duration >= 0) AS calls,
  sumIf(toInt64(duration), ${ok} AND duration >= 0) AS total,
  groupArrayIf(duration, ${ok} AND duration >= 0) AS arr,
  count() AS conversations,
  countIf(duration < 0) AS negative,
  countIf(duration >= 0 AND NOT ${ok}) AS other
FROM
(
  SELECT
    argMax(agent_id, tuple(updated_at, call_duration_sec, call_status, agent_id)) AS agent,
    argMax(call_duration_sec, tuple(updated_at, call_duration_sec, call_status, agent_id)) AS duration,
    argMax(call_status, tuple(updated_at, call_duration_sec, call_status, agent_id)) AS status
  FROM ${qualifiedName(database, table)}
  WHERE call_start >= ${w.startEpoch} AND call_start < ${w.endEpoch}
  GROUP BY conversation_id
)
GROUP BY agent
ORDER BY agent_id`);
    return new Map<string, Aggregates>(
      rows.map((r) => [
        r.agent_id!,
        {
          calls: Number(r.calls),
          total: Number(r.total),
          arr: (r.arr as unknown as string[]).map(Number).sort((a, b) => a - b),
          conversations: Number(r.conversations),
          negative: Number(r.negative),
          other: Number(r.other),
        },
      ]),
    );
  }

  /** The product's rows for `days` (a batch, or one day), keyed by day and agent. */
  async function product(table: string, days: readonly string[], statuses: readonly CallStatus[]) {
    const sql = batchAgentMetricsSql({ database, table, slots: daySlots(days, TZ) }, statuses);
    const rows = await query(sql);
    const order = rows.map((r) => `${r.day}/${r.agent_id}`);
    assert.deepEqual(order, [...order].sort(), 'sorted by day, then agent');
    return rows.map((r): Row => ({ ...r, date: days[Number(r.day) - 1]! }));
  }

  async function compare(rows: readonly CallRow[], independent: boolean) {
    const table = await createConversationsTable(ctx.clickhouse, database);
    tables.push(table);
    await insertCalls(ctx.clickhouse, database, table, rows);
    for (const statuses of STATUS_SETS) {
      const expected = new Map<string, Aggregates>();
      for (const date of DAYS)
        for (const [agent, a] of await reference(table, date, statuses)) expected.set(`${date}/${agent}`, a);
      const batch = await product(table, DAYS, statuses);
      const single = (await Promise.all(DAYS.map((d) => product(table, [d], statuses)))).flat();
      assert.deepEqual(
        single.map(({ day: _, ...r }) => r),
        batch.map(({ day: _, ...r }) => r),
        'a day alone gives the rows it gives in a batch',
      );
      const got = new Map<string, Record<string, string>>(batch.map((r) => [`${r.date}/${r.agent_id}`, r]));
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'the same agents on each day');
      for (const [key, e] of expected) {
        const r = got.get(key)!;
        const counts = [r.calls, r.conversations, r.negative_duration, r.other_status].map(Number);
        assert.deepEqual(counts, [e.calls, e.conversations, e.negative, e.other], `${key} counts`);
        if (e.calls === 0) continue;
        assert.equal(Number(r.avg_cents), Math.floor((e.total * 200 + e.calls) / (2 * e.calls)), `${key} mean`);
        assert.equal(Number(r.p90_cents), Math.round(percentile90(e.arr) * 100), `${key} p90`);
      }
      if (!independent) continue;
      // The contract's own reading (test/helpers/reference-metrics.ts), where no two different rows tie.
      for (const date of DAYS) {
        const w = dayWindow(date, TZ);
        const want = referenceCsvRows(rows, { start: w.startEpoch, end: w.endEpoch }, statuses, date);
        const have = batch
          .filter((r) => r.date === date && r.calls !== '0')
          .map((r) => [
            r.agent_id,
            String(Number(r.avg_cents) / 100),
            String(Number(r.p90_cents) / 100),
            r.calls,
            date,
          ]);
        assert.deepEqual(have, want, `${date} against the independent reference`);
      }
    }
  }

  for (const seed of [1, 2, 3]) {
    it(`agrees on duplicates, updates and re-inserts, no ties (seed ${seed})`, async () => {
      await compare(edgeRows(seed, false), true);
    });
    it(`agrees when versions of a conversation tie on updated_at (seed ${seed})`, async () => {
      await compare(edgeRows(seed, true), false);
    });
  }
});
