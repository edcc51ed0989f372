import type { ExportScope } from '../common/export-types';
import type { Services } from '../lib/services';

/**
 * The worker's services aimed at the bucket of the export an activity works for (docs/contract.md §11): the input's
 * `bucket` (or its template's), else the worker's S3_BUCKET_NAME. Every S3 step of the export uses it, staged objects
 * included; the key checks (staged-keys.ts) are the same in any bucket.
 */
export function withBucket<D extends Services>(deps: D, input: ExportScope & { template?: ExportScope }): D {
  const bucket = input.bucket ?? input.template?.bucket;
  return bucket === undefined ? deps : { ...deps, bucket };
}
