import type { ClickHouseClient } from '@clickhouse/client';
import type { S3Client } from '@aws-sdk/client-s3';
import { streamRows } from '../../lib/clickhouse/query';
import { streamToObject } from '../../lib/s3/objects';
import { csvHeader, csvLines, type AgentMetricsRow } from '../../lib/csv-format';
import { batchAgentMetricsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots } from '../../lib/clickhouse/day-slots';

/** The query the product's compute step runs for one day (activities/export/compute-metrics.ts). */
function productSql(o: { database: string; table: string; date: string }): string {
  return batchAgentMetricsSql({ database: o.database, table: o.table, slots: daySlots([o.date], 'UTC') }, ['Answered']);
}

interface Row {
  agent_id: string;
  calls: string;
  avg_cents: string;
  p90_cents: string;
}

/** The bare job with no orchestration: the same query, CSV and upload in one process. */
export async function bareExport(
  ch: ClickHouseClient,
  s3: S3Client,
  o: { database: string; table: string; date: string; bucket: string; key: string },
): Promise<{ rows: number; bytes: number }> {
  let rows = 0;
  const written = await streamToObject(s3, { bucket: o.bucket, key: o.key, contentType: 'text/csv' }, async (write) => {
    await write(csvHeader());
    let batch: AgentMetricsRow[] = [];
    for await (const r of streamRows<Row>(ch, productSql(o))) {
      if (r.calls === '0') continue;
      batch.push({
        agentId: r.agent_id,
        calls: Number(r.calls),
        avgCents: Number(r.avg_cents),
        p90Cents: Number(r.p90_cents),
      });
      if (batch.length === 2_000) {
        rows += batch.length;
        await write(csvLines(batch, o.date));
        batch = [];
      }
    }
    rows += batch.length;
    await write(csvLines(batch, o.date));
  });
  return { rows, bytes: written.bytes };
}

/** The ClickHouse query alone, its result drained; logged in system.query_log under `queryId` (see serverCpuMs). */
export async function queryOnly(
  ch: ClickHouseClient,
  o: { database: string; table: string; date: string },
  queryId?: string,
): Promise<number> {
  let rows = 0;
  const sql = productSql(o);
  const options = queryId ? { queryId, settings: { log_queries: 1 as const } } : {};
  for await (const row of streamRows<Row>(ch, sql, options)) if (row) rows += 1;
  return rows;
}

/**
 * The CPU time (user + system) ClickHouse spent on each of `queryIds`, from system.query_log (18.16's
 * ProfileEvents.Names/Values columns): unlike wall time, it hardly grows when other processes load the machine.
 * Undefined where the log has no such figure (another server version, logging off).
 */
export async function serverCpuMs(ch: ClickHouseClient, queryIds: readonly string[]): Promise<Map<string, number>> {
  const cpu = new Map<string, number>();
  try {
    await ch.command({ query: 'SYSTEM FLUSH LOGS' });
    const ids = queryIds.map((id) => `'${id.replace(/[^0-9a-z_-]/gi, '')}'`).join(', ');
    const rs = await ch.query({
      query: `SELECT query_id, arraySum(arrayFilter((v, n) -> n IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds'),
  ProfileEvents.Values, ProfileEvents.Names)) / 1000 AS ms
FROM system.query_log WHERE type = 2 AND query_id IN (${ids})`,
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ query_id: string; ms: number }>()) cpu.set(r.query_id, Number(r.ms));
  } catch {
    // No query log, or another layout: the bench prints wall times only.
  }
  return cpu;
}
