import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import type { WrittenCsv } from '../../common/export-types';
import { CSV_CONTENT_TYPE, csvWriter, type AgentMetricsRow } from '../../lib/csv-format';
import { csvStagingKey } from '../../lib/s3/keys';
import { openObject, streamToObject } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { withHeartbeat } from '../heartbeat';
import { currentRun } from '../run-info';
import { checkedMetricsStagingKey } from './staged-keys';

/**
 * Turns the staged metrics into the day's CSV (papaparse, RFC 4180, \n line ends), staged beside them. Reads only
 * this run's own metrics object: any other `metricsKey` is refused (activities/export/staged-keys.ts).
 */
export async function writeCsv(
  deps: Services,
  input: { date: string; prefix: string; metricsKey: string },
): Promise<WrittenCsv> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const runId = currentRun().runId;
  const key = csvStagingKey(input.prefix, input.date, runId);
  const metricsKey = checkedMetricsStagingKey({ ...input, stagedBy: runId }, input.metricsKey);
  const source = await openObject(deps.s3, deps.bucket, metricsKey, signal);
  let rows = 0;
  const target = { bucket: deps.bucket, key, contentType: CSV_CONTENT_TYPE, signal };
  const written = streamToObject(deps.s3, target, async (write) => {
    const csv = csvWriter(write, input.date);
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
      if (line !== '') await csv.add(JSON.parse(line) as AgentMetricsRow);
      rows = csv.rows;
    }
    rows = await csv.end();
  });
  const result = await withHeartbeat(written, () => ({ rows }));
  ctx.log.info('wrote CSV', { date: input.date, rows, bytes: result.bytes, key });
  return { stagingKey: key, bytes: result.bytes, sha256: result.sha256, rows };
}
