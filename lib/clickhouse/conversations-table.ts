import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { qualifiedName } from './sql-literals';

/** scripts/stack/conversations.sql: the customer's DDL, verbatim. Found from lib/clickhouse/ and from dist/lib/clickhouse/ alike. */
function ddlFile(): string {
  for (const up of ['../..', '../../..']) {
    const file = path.resolve(__dirname, up, 'scripts', 'stack', 'conversations.sql');
    if (existsSync(file)) return file;
  }
  throw new Error('scripts/stack/conversations.sql not found');
}

/** The customer's DDL (`CREATE TABLE IF NOT EXISTS`) for a table of that shape named `database.table`. */
export function conversationsDdl(database: string, table: string): string {
  return readFileSync(ddlFile(), 'utf8')
    .replace(/^--.*$/gm, '')
    .replace('CREATE TABLE conversations', `CREATE TABLE IF NOT EXISTS ${qualifiedName(database, table)}`)
    .replace(/;\s*$/, '');
}

/**
 * Creates a table with the customer's exact columns under another name (tests and benchmarks use their own), unless
 * it exists, and returns its row count.
 */
export async function ensureConversationsTable(ch: ClickHouseClient, database: string, table: string): Promise<number> {
  const name = qualifiedName(database, table);
  await ch.command({ query: conversationsDdl(database, table) });
  const rs = await ch.query({ query: `SELECT count() AS n FROM ${name}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
}
