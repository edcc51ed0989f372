import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { csvHeader, csvLines, type AgentMetricsRow } from '../lib/csv-format';
import type { WrittenCsv } from '../lib/export-types';
import { stagingKey } from '../lib/s3-keys';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { currentRun } from './run-info';
import { openObject, streamToObject } from './s3-objects';

const BATCH = 2_000;

/** Turns the staged metrics into the day's CSV (papaparse, RFC 4180, \n line ends), staged beside them. */
export async function writeCsv(
  deps: ActivityDeps,
  input: { date: string; prefix: string; metricsKey: string },
): Promise<WrittenCsv> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const key = stagingKey(input.prefix, input.date, currentRun().runId, `agent_metrics_${input.date}.csv`);
  const source = await openObject(deps.s3, deps.bucket, input.metricsKey, signal);
  let rows = 0;
  const written = streamToObject(
    deps.s3,
    { bucket: deps.bucket, key, contentType: 'text/csv; charset=utf-8', signal },
    async (write) => {
      await write(csvHeader());
      let batch: AgentMetricsRow[] = [];
      for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
        if (line === '') continue;
        batch.push(JSON.parse(line) as AgentMetricsRow);
        if (batch.length === BATCH) {
          await write(csvLines(batch, input.date));
          rows += batch.length;
          batch = [];
        }
      }
      await write(csvLines(batch, input.date));
      rows += batch.length;
    },
  );
  const result = await withHeartbeat(written, () => ({ rows }));
  ctx.log.info('wrote CSV', { date: input.date, rows, bytes: result.bytes, key });
  return { stagingKey: key, bytes: result.bytes, sha256: result.sha256, rows };
}
