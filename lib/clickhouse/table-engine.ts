import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './query';
import { quoteString } from './sql-literals';

const ENGINES = new WeakMap<ClickHouseClient, Map<string, Promise<boolean>>>();

/**
 * True when `database.table` is a `Distributed` table (system.tables), asked once per client and table. Queries over
 * such a table run on every shard, so a membership test of their rows against a subquery over the same table needs
 * `GLOBAL IN`: the initiator builds the set over all shards and sends it to each (plain IN is refused by
 * ClickHouse, or with distributed_product_mode=local would test each shard's rows against its own shard only). A
 * table that later stops being Distributed is still read right: GLOBAL IN over a local table is IN. A failed
 * look-up is not kept; it fails the caller's step like the query itself would (classified, retried).
 */
export function isDistributedTable(
  ch: ClickHouseClient,
  database: string,
  table: string,
  options: { readonly signal?: AbortSignal } = {},
): Promise<boolean> {
  const byTable = ENGINES.get(ch) ?? new Map<string, Promise<boolean>>();
  ENGINES.set(ch, byTable);
  const key = `${database}.${table}`;
  let known = byTable.get(key);
  if (!known) {
    const sql = `SELECT engine FROM system.tables WHERE database = ${quoteString(database)} AND name = ${quoteString(table)}`;
    known = queryRows<{ engine: string }>(ch, sql, options.signal ? { signal: options.signal } : {}).then(
      (rows) => rows[0]?.engine === 'Distributed',
    );
    byTable.set(key, known);
    known.catch(() => byTable.delete(key));
  }
  return known;
}
