import { manifestKey } from '../../lib/s3/keys';
import type { Manifest } from '../../common/manifest';
import { PRODUCT_VERSION } from '../../lib/version';
import type { Services } from '../../lib/services';
import { currentRun } from '../run-info';
import { deleteObjects, putText } from '../../lib/s3/objects';

export type ManifestInput = Omit<
  Manifest,
  'manifestVersion' | 'generatedAt' | 'workflow' | 'productVersion' | 'csv'
> & {
  readonly prefix: string;
  readonly csv: { readonly key: string; readonly bytes: number; readonly sha256: string };
  /** The run's staging objects, removed once the manifest is written. */
  readonly staged: readonly string[];
};

/** Writes `_manifest.json` after the CSV verified, then removes the run's staging objects. */
export async function writeManifest(deps: Services, input: ManifestInput): Promise<Manifest> {
  const run = currentRun();
  const { prefix, staged, ...fields } = input;
  const manifest: Manifest = {
    manifestVersion: 1,
    ...fields,
    csv: { bucket: deps.bucket, ...input.csv },
    generatedAt: new Date().toISOString(),
    workflow: { id: run.workflowId, runId: run.runId },
    productVersion: PRODUCT_VERSION,
  };
  await putText(
    deps.s3,
    deps.bucket,
    manifestKey(prefix, input.date),
    JSON.stringify(manifest, null, 2) + '\n',
    'application/json',
  );
  await deleteObjects(deps.s3, deps.bucket, staged);
  return manifest;
}
