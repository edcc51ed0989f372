import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import type { WrittenCsv } from '../../common/export-types';
import type { AgentMetricsRow } from '../../lib/csv-format';
import type { MetricColumn } from '../../common/metric-columns';
import type { OutputFormat } from '../../common/output-format';
import { CONTENT_TYPES, fileWriter, formatFields } from '../../lib/file-formats/file-writer';
import { csvStagingKey } from '../../lib/s3/keys';
import { openObject, streamToObject } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { withHeartbeat } from '../heartbeat';
import { currentRun } from '../run-info';
import { checkedMetricsStagingKey } from './staged-keys';

/**
 * Turns the staged metrics into the day's file, staged beside them: the CSV (papaparse, RFC 4180, \n line ends) or
 * the format asked for (docs/contract.md §9), with the optional columns asked for. Reads only this run's own metrics
 * object: any other `metricsKey` is refused (activities/export/staged-keys.ts).
 */
export async function writeCsv(
  deps: Services,
  input: {
    date: string;
    prefix: string;
    metricsKey: string;
    format?: OutputFormat;
    columns?: readonly MetricColumn[];
  },
): Promise<WrittenCsv> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const runId = currentRun().runId;
  const format = input.format ?? 'csv';
  const columns = input.columns ?? [];
  const key = csvStagingKey(input.prefix, input.date, runId, format);
  const metricsKey = checkedMetricsStagingKey({ ...input, stagedBy: runId }, input.metricsKey);
  const source = await openObject(deps.s3, deps.bucket, metricsKey, signal);
  let rows = 0;
  const target = { bucket: deps.bucket, key, contentType: CONTENT_TYPES[format], signal };
  const written = streamToObject(deps.s3, target, async (write) => {
    const csv = fileWriter(format, write, input.date, columns);
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
      if (line !== '') await csv.add(JSON.parse(line) as AgentMetricsRow);
      rows = csv.rows;
    }
    rows = await csv.end();
  });
  const result = await withHeartbeat(written, () => ({ rows }));
  ctx.log.info('wrote file', { date: input.date, format, rows, bytes: result.bytes, key });
  return { stagingKey: key, bytes: result.bytes, sha256: result.sha256, rows, ...formatFields(format, columns) };
}
