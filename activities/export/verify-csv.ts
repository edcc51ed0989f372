import { createHash } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import { csvHeader } from '../../lib/csv-format';
import { VerificationError } from '../../lib/errors';
import type { Services } from '../../lib/services';
import { withHeartbeat } from '../heartbeat';
import { openObject } from '../../lib/s3/objects';

export interface VerifiedCsv {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly rows: number;
}

/** Reads the delivered object back in full and checks its size, SHA-256, header and row count. */
export async function verifyCsv(
  deps: Services,
  input: { key: string; bytes: number; sha256: string; rows: number },
): Promise<VerifiedCsv> {
  const body = await openObject(deps.s3, deps.bucket, input.key, Context.current().cancellationSignal);
  const hash = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  let head = '';
  const read = (async () => {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (head.length < 200) head += chunk.subarray(0, 200).toString('utf-8');
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
  })();
  await withHeartbeat(read, () => ({ bytes }));
  const sha256 = hash.digest('hex');
  const problems: string[] = [];
  if (bytes !== input.bytes) problems.push(`size ${bytes} bytes, expected ${input.bytes}`);
  if (sha256 !== input.sha256) problems.push(`SHA-256 ${sha256}, expected ${input.sha256}`);
  if (!head.startsWith(csvHeader())) problems.push('the header line is not the expected one');
  if (lines - 1 !== input.rows) problems.push(`${lines - 1} data rows, expected ${input.rows}`);
  if (problems.length > 0)
    throw new VerificationError(`${input.key} does not verify: ${problems.join('; ')}`, input.key);
  log.info('verified CSV', { key: input.key, bytes, rows: input.rows });
  return { key: input.key, bytes, sha256, rows: input.rows };
}
