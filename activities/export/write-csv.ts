import { createInterface } from 'node:readline';
import { Context } from '@temporalio/activity';
import { csvWriter, type AgentMetricsRow } from '../../lib/csv-format';
import type { WrittenCsv } from '../../common/export-types';
import { stagingKey } from '../../lib/s3/keys';
import type { ActivityDeps } from '../deps';
import { withHeartbeat } from '../heartbeat';
import { currentRun } from '../run-info';
import { openObject, streamToObject } from '../../lib/s3/objects';

/** Turns the staged metrics into the day's CSV (papaparse, RFC 4180, \n line ends), staged beside them. */
export async function writeCsv(
  deps: ActivityDeps,
  input: { date: string; prefix: string; metricsKey: string },
): Promise<WrittenCsv> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const key = csvStagingKey(input.prefix, input.date, currentRun().runId);
  const source = await openObject(deps.s3, deps.bucket, input.metricsKey, signal);
  let rows = 0;
  const written = streamToObject(deps.s3, csvObject(deps, key, signal), async (write) => {
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

/** Where a day's CSV is staged, and how: by writeCsv, or by a backfill's batch (computeBatch). */
export function csvObject(deps: ActivityDeps, key: string, signal: AbortSignal) {
  return { bucket: deps.bucket, key, contentType: 'text/csv; charset=utf-8', signal };
}

/** The staging key of day D's CSV for the run or batch `runId`. */
export function csvStagingKey(prefix: string, date: string, runId: string): string {
  return stagingKey(prefix, date, runId, `agent_metrics_${date}.csv`);
}
