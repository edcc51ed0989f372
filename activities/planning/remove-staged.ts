import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { ActivityDeps } from '../deps';
import { s3Call } from '../../lib/s3/objects';

/** Deletes staging objects by key (a run's, or those a batch left behind); a key already gone is not an error. */
export async function removeStaged(deps: ActivityDeps, input: { keys: readonly string[] }): Promise<number> {
  for (let i = 0; i < input.keys.length; i += 1000) {
    const objects = input.keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3Call(`DELETE ${objects.length} staging objects`, () =>
      deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.bucket, Delete: { Objects: objects, Quiet: true } })),
    );
  }
  return input.keys.length;
}
