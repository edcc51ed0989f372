import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Context, log } from '@temporalio/activity';
import type { WrittenCsv } from '../../common/export-types';
import { csvHeader } from '../../lib/csv-format';
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
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let head = '';
  const read = (async () => {
    for await (const chunk of res.Body as Readable as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (head.length < 200) head += chunk.subarray(0, 200).toString('utf-8');
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
  })();
  await withHeartbeat(read, () => ({ bytes }));
  const sha256 = hash.digest('hex');
  const want = input.staged;
  const problems: string[] = [];
  if (bytes !== want.bytes) problems.push(`size ${bytes} bytes, expected ${want.bytes}`);
  if (sha256 !== want.sha256) problems.push(`SHA-256 ${sha256}, expected ${want.sha256}`);
  if (!head.startsWith(csvHeader())) problems.push('the header line is not the expected one');
  if (lines - 1 !== want.rows) problems.push(`${lines - 1} data rows, expected ${want.rows}`);
  if (problems.length > 0) {
    throw new VerificationError(`staged CSV ${key} does not verify: ${problems.join('; ')}`, key);
  }
  if (!res.ETag) throw new VerificationError(`S3 sent no ETag for staged CSV ${key}`, key);
  log.info('verified staged CSV', { key, bytes, rows: want.rows });
  return { stagingKey: key, etag: res.ETag, bytes, sha256, rows: want.rows };
}
