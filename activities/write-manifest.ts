import { ListObjectsV2Command, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { manifestKey, stagingKey } from '../lib/s3-keys';
import type { Manifest } from '../lib/manifest';
import { PRODUCT_VERSION } from '../lib/version';
import type { ActivityDeps } from './deps';
import { currentRun } from './run-info';
import { putText, s3Call } from './s3-objects';

export type ManifestInput = Omit<
  Manifest,
  'manifestVersion' | 'generatedAt' | 'workflow' | 'productVersion' | 'csv'
> & {
  readonly prefix: string;
  readonly csv: { readonly key: string; readonly bytes: number; readonly sha256: string };
};

/** Writes `_manifest.json` after the CSV verified, then removes this run's staging objects. */
export async function writeManifest(deps: ActivityDeps, input: ManifestInput): Promise<Manifest> {
  const run = currentRun();
  const { prefix, ...fields } = input;
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
  await removeStaging(deps, stagingKey(prefix, input.date, run.runId, ''));
  return manifest;
}

async function removeStaging(deps: ActivityDeps, folder: string): Promise<void> {
  const listed = await s3Call(`LIST ${folder}`, () =>
    deps.s3.send(new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: folder })),
  );
  const objects = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
  if (objects.length === 0) return;
  await s3Call(`DELETE ${folder}`, () =>
    deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.bucket, Delete: { Objects: objects, Quiet: true } })),
  );
}
