import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Context, log } from '@temporalio/activity';
import type { WrittenCsv } from '../../common/export-types';
import { CSV_COLUMNS, csvHeader } from '../../lib/csv-format';
import { readMetricsFile } from '../../lib/file-formats/read-metrics-file';
import { formatOfKey } from '../../lib/s3/keys';
import { VerificationError } from '../../lib/errors';
import { s3Call } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { withHeartbeat } from '../heartbeat';
import { checkedCsvStagingKey, type StagedBy } from './staged-keys';

export interface VerifiedCsv {
  /** The staged object that verified, and its ETag: the upload copies exactly that version. */
  readonly stagingKey: string;
  readonly etag: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly rows: number;
}

/**
 * A stored file in another format than CSV, parsed back (docs/contract.md §9): what differs from what the write step
 * produced. It must parse, hold the expected columns in order and the expected number of rows, each of day D, with
 * agent ids ascending and distinct.
 */
async function parsedProblems(bytes: Buffer, date: string, want: WrittenCsv): Promise<string[]> {
  const format = want.format ?? 'csv';
  let file;
  try {
    file = await readMetricsFile(bytes, format);
  } catch (err) {
    return [`it does not parse as ${format}: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  const expected = [...CSV_COLUMNS, ...(want.columns ?? [])].join(',');
  if (file.rows.length > 0 || format === 'parquet') {
    if (file.columns.join(',') !== expected) problems.push(`columns ${file.columns.join(',')}, expected ${expected}`);
  }
  if (file.rows.length !== want.rows) problems.push(`${file.rows.length} data rows, expected ${want.rows}`);
  const wrongDay = file.rows.findIndex((r) => r.date !== date);
  if (wrongDay !== -1) problems.push(`row ${wrongDay + 1} is of date ${String(file.rows[wrongDay]!.date)}`);
  const ids = file.rows.map((r) => String(r.agent_id));
  const unsorted = ids.findIndex((id, i) => i > 0 && !(ids[i - 1]! < id));
  if (unsorted !== -1) problems.push(`agent ids are not ascending and distinct at row ${unsorted + 1}`);
  return problems;
}

/**
 * Reads the staged CSV back in full and checks its size, SHA-256, header and row count against what the write step
 * produced, before anything at the final key changes (docs/contract.md §5, step 4). A mismatch is a
 * VerificationError naming the key and each difference; the delivered file and its manifest stay as they were.
 */
export async function verifyCsv(deps: Services, input: StagedBy & { staged: WrittenCsv }): Promise<VerifiedCsv> {
  const key = checkedCsvStagingKey(input, input.staged.stagingKey);
  const signal = Context.current().cancellationSignal;
  const res = await s3Call(`GET ${key}`, () =>
    deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: signal }),
  );
  const format = input.staged.format ?? 'csv';
  const columns = input.staged.columns ?? [];
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let head = '';
  const kept: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of res.Body as Readable as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (format !== 'csv') {
        kept.push(chunk);
        continue;
      }
      if (head.length < 1024) head += chunk.subarray(0, 1024).toString('utf-8');
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
  })();
  await withHeartbeat(read, () => ({ bytes }));
  const sha256 = hash.digest('hex');
  const want = input.staged;
  const problems: string[] = [];
  if (formatOfKey(key, input.date) !== format) problems.push(`the key does not name the format ${format}`);
  if (bytes !== want.bytes) problems.push(`size ${bytes} bytes, expected ${want.bytes}`);
  if (sha256 !== want.sha256) problems.push(`SHA-256 ${sha256}, expected ${want.sha256}`);
  if (format === 'csv') {
    if (!head.startsWith(csvHeader(columns))) problems.push('the header line is not the expected one');
    if (lines - 1 !== want.rows) problems.push(`${lines - 1} data rows, expected ${want.rows}`);
  } else {
    problems.push(...(await parsedProblems(Buffer.concat(kept), input.date, want)));
  }
  if (problems.length > 0) {
    throw new VerificationError(`staged file ${key} does not verify: ${problems.join('; ')}`, key);
  }
  if (!res.ETag) throw new VerificationError(`S3 sent no ETag for staged file ${key}`, key);
  log.info('verified staged file', { key, format, bytes, rows: want.rows });
  return { stagingKey: key, etag: res.ETag, bytes, sha256, rows: want.rows };
}
