import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CallStatus } from '../../common/call-status';
import { METRIC_COLUMNS } from '../../common/metric-columns';
import { conversationsDdl } from '../../lib/clickhouse/conversations-table';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { optionalColumnsSql } from '../../lib/clickhouse/optional-columns-sql';
import { qualifiedName, quoteIdentifier } from '../../lib/clickhouse/sql-literals';
import { formatCents } from '../../lib/csv-format';
import { dayWindow } from '../../lib/days/day-window';
import { formatScaled } from '../../lib/metric-values';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { runOnCurrentClickHouse } from '../helpers/current-clickhouse';
import { referenceColumns, type StoredCall } from '../helpers/reference-metrics';
import { stackContext } from '../helpers/stack-context';

// A DST day of each kind in New York (23 and 25 hours) and an ordinary one.
const TZ = 'America/New_York';
const DAYS = ['2024-03-10', '2024-06-01', '2024-11-03'];
const STATUS_SETS: readonly (readonly CallStatus[])[] = [['Answered'], ['Answered', 'Missed', 'Hangup']];
const STATUSES = ['Answered', 'Missed', 'Rejected', 'Hangup', 'Voicemail'] as const;

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Edge cases of docs/contract.md §9 on each day, and random agents. */
function rows(seed: number): CallRow[] {
  const rnd = random(seed);
  const out: CallRow[] = [];
  for (const date of DAYS) {
    const w = dayWindow(date, TZ);
    const at = (s: number) => w.startEpoch + s;
    const agent = () => randomUUID();
    out.push({ agentId: agent(), start: at(10), duration: 61, sentiment: 0.0078125 }); // 1 call; an exact .5 tie
    const two = agent();
    out.push(
      { agentId: two, start: at(20), duration: 10, sentiment: -0.0078125 },
      { agentId: two, start: at(21), duration: 15, sentiment: 0.1234565 }, // just below …65 in binary
    );
    // x · 10^6 rounds to exactly …49.5 as a double while x itself lies below that tie (0.0000495 → 0.000049 →
    // 0.0000; 0.0002495 → 0.000249 → 0.0002): only rounding the exact binary value gets these right.
    out.push({ agentId: agent(), start: at(25), duration: 8, sentiment: 0.0000495 });
    out.push({ agentId: agent(), start: at(26), duration: 8, sentiment: -0.0002495 });
    // Sentiment means on a .5 boundary of the 4th decimal, both signs.
    const halfUp = agent();
    out.push(
      { agentId: halfUp, start: at(30), duration: 1, sentiment: 0.00005 },
      { agentId: halfUp, start: at(31), duration: 2, sentiment: 0.00005 },
    );
    const halfDown = agent();
    out.push(
      { agentId: halfDown, start: at(40), duration: 3, sentiment: -0.0001 },
      { agentId: halfDown, start: at(41), duration: 4, sentiment: -0.0002 },
    );
    const tiny = agent();
    out.push(
      { agentId: tiny, start: at(50), duration: 5, sentiment: 0.0000005 },
      { agentId: tiny, start: at(51), duration: 5, sentiment: -0.0000005 },
      { agentId: tiny, start: at(52), duration: 5, sentiment: -0.9999995 },
    );
    // Ties of durations, negative durations and every status.
    const mixed = agent();
    for (let i = 0; i < 9; i += 1) out.push({ agentId: mixed, start: at(60 + i), duration: i < 5 ? 30 : 90 });
    out.push(
      { agentId: mixed, start: at(70), duration: -4, status: 'Answered' },
      { agentId: mixed, start: at(71), duration: -1, status: 'Missed' },
      ...STATUSES.map((status, i) => ({ agentId: mixed, start: at(80 + i), duration: 7 * i, status })),
    );
    // Duplicates and updates: a retried insert, an update that changes status and sentiment, ties on updated_at.
    const dups = agent();
    const retried = { agentId: dups, conversationId: randomUUID(), start: at(100), duration: 40, sentiment: 0.3 };
    out.push(retried, retried);
    const updated = randomUUID();
    out.push(
      { agentId: dups, conversationId: updated, start: at(110), duration: 5, updatedAt: at(200), sentiment: 0.9 },
      {
        agentId: dups,
        conversationId: updated,
        start: at(110),
        duration: 0,
        status: 'Missed',
        updatedAt: at(300),
        sentiment: -0.9,
      },
    );
    const tied = randomUUID();
    out.push(
      { agentId: dups, conversationId: tied, start: at(120), duration: 20, updatedAt: at(400), sentiment: 0.1 },
      { agentId: dups, conversationId: tied, start: at(120), duration: 25, updatedAt: at(400), sentiment: 0.2 },
    );
    const sentimentTie = randomUUID();
    out.push(
      { agentId: dups, conversationId: sentimentTie, start: at(130), duration: 9, updatedAt: at(500), sentiment: -0.7 },
      { agentId: dups, conversationId: sentimentTie, start: at(130), duration: 9, updatedAt: at(500), sentiment: 0.7 },
    );
    // Window edges.
    out.push({ agentId: agent(), start: w.endEpoch - 1, duration: 3, sentiment: -1 });
    out.push(
      { agentId: agent(), start: w.endEpoch, duration: 3 },
      { agentId: agent(), start: w.startEpoch - 1, duration: 3 },
    );
    // Random agents.
    for (let a = 0; a < 30; a += 1) {
      const id = agent();
      const calls = 1 + Math.floor(rnd() ** 2 * 150);
      for (let i = 0; i < calls; i += 1) {
        out.push({
          agentId: id,
          start: w.startEpoch + Math.floor(rnd() * (w.endEpoch - w.startEpoch)),
          duration: rnd() < 0.03 ? -Math.ceil(rnd() * 10) : Math.floor(rnd() ** 2 * 3_600),
          status: STATUSES[Math.floor(rnd() * STATUSES.length)]!,
          sentiment: Number((rnd() * 2 - 1).toFixed(1 + Math.floor(rnd() * 9))),
        });
      }
    }
  }
  return out;
}

const REQUIRED = ['avg_cents', 'p90_cents', 'calls'];

describe('optional columns (METRIC_COLUMNS) against the reference, on 18.16 and current ClickHouse', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let table: string;

  before(async () => {
    table = await createConversationsTable(ctx.clickhouse, database);
  });

  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  async function select(query: string): Promise<Record<string, unknown>[]> {
    return (await ctx.clickhouse.query({ query, format: 'JSONEachRow' })).json();
  }

  it('computes every optional column exactly, day by day and in a batch, on both versions', async () => {
    await insertCalls(ctx.clickhouse, database, table, rows(7));
    const source = qualifiedName(database, table);
    const stored = (
      await select(`SELECT toString(conversation_id) AS conversationId, toString(agent_id) AS agentId,
        toUInt32(call_start) AS start, call_duration_sec AS duration, toString(call_status) AS status,
        toUInt32(updated_at) AS updatedAt, hex(reinterpretAsString(sentiment_score)) AS sentimentBits FROM ${source}`)
    ).map((r) => ({
      ...r,
      start: Number(r.start),
      duration: Number(r.duration),
      updatedAt: Number(r.updatedAt),
    })) as StoredCall[];
    const dump = await (
      await ctx.clickhouse.query({
        query: `SELECT customer_id, conversation_id, agent_id, toUInt32(call_start) AS call_start,
          toUInt32(call_end) AS call_end, call_duration_sec, call_status, transcript, sentiment_score, keywords,
          toUInt32(created_at) AS created_at, toUInt32(updated_at) AS updated_at FROM ${source}`,
        format: 'JSONEachRow',
      })
    ).text();

    const columns = [...METRIC_COLUMNS];
    const batches = [...DAYS.map((d) => [d]), DAYS];
    const queries = STATUS_SETS.flatMap((statuses) =>
      batches.map((days) => ({
        days,
        statuses,
        sql: optionalColumnsSql({ database, table, slots: daySlots(days, TZ) }, statuses, columns),
      })),
    );
    const old = await Promise.all(queries.map((q) => select(q.sql)));
    const current = await runOnCurrentClickHouse(
      [
        `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}`,
        conversationsDdl(database, table),
        `INSERT INTO ${source} FORMAT JSONEachRow\n${dump}`,
      ],
      queries.map((q) => q.sql),
    );

    for (const [i, q] of queries.entries()) {
      for (const [version, result] of [
        ['18.16', old[i]!],
        [current.version, current.results[i]!],
      ] as const) {
        const what = `${version}, days ${q.days.join(' ')}, statuses ${q.statuses.join(',')}`;
        const got = result.filter((r) => Number(r.calls) > 0);
        const expected = q.days.flatMap((date, d) => {
          const w = dayWindow(date, TZ);
          const window = { start: w.startEpoch, end: w.endEpoch };
          const ref = referenceColumns(stored, window, q.statuses);
          return [...ref.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([agent, values]) => ({ day: d + 1, agent, ...values }));
        });
        assert.deepEqual(
          got.map((r) => ({
            day: Number(r.day),
            agent: String(r.agent_id),
            avg_call_length_sec: formatCents(Number(r.avg_cents)),
            p90_call_length_sec: formatCents(Number(r.p90_cents)),
            total_calls: String(r.calls),
            ...Object.fromEntries(columns.map((c) => [c, formatScaled(c, Number(r[c]))])),
          })),
          expected,
          what,
        );
        assert.ok(
          REQUIRED.every((k) => k in (result[0] ?? {})),
          what,
        );
      }
    }
  });
});
