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

/** The ClickHouse query alone, its result drained. */
export async function queryOnly(
  ch: ClickHouseClient,
  o: { database: string; table: string; date: string },
): Promise<number> {
  let rows = 0;
  const sql = productSql(o);
  for await (const row of streamRows<Row>(ch, sql)) if (row) rows += 1;
  return rows;
}
