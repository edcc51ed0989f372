import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots } from '../../lib/clickhouse/day-slots';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { randomPastDay } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';

const CUSTOMERS = 12;
const CALLS_EACH = 6_000;

describe('a per-customer export on the sort key (customer_id first)', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const date = randomPastDay();
  const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
  let table: string;

  before(async () => {
    table = await createConversationsTable(ctx.clickhouse, database);
    const start = Date.parse(`${date}T00:00:00Z`) / 1000;
    const agents = Array.from({ length: 40 }, () => randomUUID());
    const rows: CallRow[] = customers.flatMap((customerId) =>
      Array.from({ length: CALLS_EACH }, (_, i) => ({
        customerId,
        agentId: agents[i % agents.length]!,
        start: start + ((i * 7_919) % 86_400),
        duration: (i * 13) % 1_200,
      })),
    );
    await insertCalls(ctx.clickhouse, database, table, rows);
    await ctx.clickhouse.command({ query: `OPTIMIZE TABLE ${database}.${table} FINAL` });
  });

  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  /** Rows the server read for `sql`, from system.query_log (18.16 sends no X-ClickHouse-Summary header). */
  async function rowsRead(sql: string): Promise<number> {
    const queryId = randomUUID();
    const rs = await ctx.clickhouse.query({ query: sql, query_id: queryId, clickhouse_settings: { log_queries: 1 } });
    await rs.text();
    await ctx.clickhouse.command({ query: 'SYSTEM FLUSH LOGS' });
    const log = await ctx.clickhouse.query({
      query: `SELECT read_rows FROM system.query_log WHERE query_id = '${queryId}' AND type = 2`,
      format: 'JSONEachRow',
    });
    const [row] = await log.json<{ read_rows: string | number }>();
    return Number(row?.read_rows);
  }

  it("reads about the customer's rows, not the table's, in every query of the day", async () => {
    const whole = daySlots([date], 'UTC');
    const one = daySlots([date], 'UTC', customers[5]);
    const figures: string[] = [];
    for (const [what, sql] of [
      ['window stats', (s: typeof whole) => batchWindowStatsSql({ database, table, slots: s })],
      ['metrics', (s: typeof whole) => batchAgentMetricsSql({ database, table, slots: s }, ['Answered'])],
    ] as const) {
      const all = await rowsRead(sql(whole));
      const customer = await rowsRead(sql(one));
      figures.push(`${what}: whole table ${all} rows read, one customer ${customer}`);
      // The metrics query reads the day twice (the duplicate set, then the rows): a multiple of either count.
      const passes = Math.round(all / (CUSTOMERS * CALLS_EACH));
      assert.ok(passes >= 1 && all >= passes * CUSTOMERS * CALLS_EACH, `${what}: whole table read ${all}`);
      assert.ok(customer >= passes * CALLS_EACH, `${what}: read ${customer}, fewer than the customer's rows`);
      // Granules of 8,192 rows: at most one partial granule at each end of the customer's range per pass.
      assert.ok(customer <= passes * (CALLS_EACH + 2 * 8_192), `${what}: one customer read ${customer} rows of ${all}`);
    }
    process.stdout.write(`      ${figures.join('\n      ')}\n`);
  });
});
