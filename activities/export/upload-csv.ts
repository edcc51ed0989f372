import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { log } from '@temporalio/activity';
import { VerificationError } from '../../lib/errors';
import type { WrittenCsv } from '../../common/export-types';
import { csvKey, manifestKey } from '../../lib/s3/keys';
import type { Services } from '../../lib/services';
import { deleteObject, s3Call } from '../../lib/s3/objects';

export interface UploadedCsv {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Places the staged CSV at the final key in one atomic step (readers see the old file or the new one, never a part),
 * asking S3 to store a SHA-256 checksum, and checks the checksum S3 reports against ours. The old manifest is removed
 * first, so a manifest never describes a file it did not verify.
 */
export async function uploadCsv(
  deps: Services,
  input: { date: string; prefix: string; staged: WrittenCsv },
): Promise<UploadedCsv> {
  const key = csvKey(input.prefix, input.date);
  await deleteObject(deps.s3, deps.bucket, manifestKey(input.prefix, input.date));
  await s3Call(`copy to ${key}`, () =>
    deps.s3.send(
      new CopyObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        CopySource: `${deps.bucket}/${encodeURI(input.staged.stagingKey)}`,
        ChecksumAlgorithm: 'SHA256',
        MetadataDirective: 'REPLACE',
        ContentType: 'text/csv; charset=utf-8',
      }),
    ),
  );
  const head = await s3Call(`HEAD ${key}`, () =>
    deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key, ChecksumMode: 'ENABLED' })),
  );
  const expected = Buffer.from(input.staged.sha256, 'hex').toString('base64');
  if (head.ChecksumSHA256 !== undefined && head.ChecksumSHA256 !== expected) {
    throw new VerificationError(`S3 stored SHA-256 ${head.ChecksumSHA256} for ${key}, expected ${expected}`, key);
  }
  if (head.ContentLength !== input.staged.bytes) {
    throw new VerificationError(`S3 holds ${head.ContentLength} bytes at ${key}, expected ${input.staged.bytes}`, key);
  }
  log.info('uploaded CSV', { date: input.date, key, bytes: input.staged.bytes, sha256: input.staged.sha256 });
  return { key, bytes: input.staged.bytes, sha256: input.staged.sha256 };
}
