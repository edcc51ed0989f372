import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { CallStatus } from '../../common/call-status';
import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { COLUMNS } from '../../tools/generate/sql';
import { randomId } from './random';

/** One row of the customer's table, as a test writes it (times in Unix seconds). */
export interface CallRow {
  readonly conversationId?: string;
  readonly customerId?: string;
  readonly agentId: string;
  readonly start: number;
  readonly duration: number;
  readonly status?: CallStatus;
  readonly updatedAt?: number;
  readonly createdAt?: number;
  /** sentiment_score; default 0.25. */
  readonly sentiment?: number;
  /** call_end; default start + the duration (or start, for a negative duration). */
  readonly end?: number;
}

/** A new table with the customer's exact DDL under a random name. */
export async function createConversationsTable(ch: ClickHouseClient, database: string): Promise<string> {
  const table = randomId('conv');
  await ensureConversationsTable(ch, database, table);
  return table;
}

export async function dropTable(ch: ClickHouseClient, database: string, table: string): Promise<void> {
  await ch.command({ query: `DROP TABLE IF EXISTS ${qualifiedName(database, table)}` });
}

export async function insertCalls(ch: ClickHouseClient, database: string, table: string, rows: readonly CallRow[]) {
  if (rows.length === 0) return;
  await ch.insert({
    table: `${database}.${table}`,
    format: 'JSONEachRow',
    columns: [...COLUMNS],
    values: rows.map((r) => ({
      customer_id: r.customerId ?? '11111111-1111-4111-8111-111111111111',
      conversation_id: r.conversationId ?? randomUUID(),
      agent_id: r.agentId,
      call_start: r.start,
      call_end: r.end ?? r.start + Math.max(r.duration, 0),
      call_duration_sec: r.duration,
      call_status: r.status ?? 'Answered',
      transcript: 'Agent: Hello, how can I help? Customer: My order is late.',
      sentiment_score: r.sentiment ?? 0.25,
      keywords: ['order', 'late'],
      created_at: r.createdAt ?? r.start,
      updated_at: r.updatedAt ?? r.end ?? r.start + Math.max(r.duration, 0),
    })),
  });
}
