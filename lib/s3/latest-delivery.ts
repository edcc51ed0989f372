import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseManifest, type Manifest } from '../../common/manifest';
import { manifestKey } from './keys';
import { readTextIfExists, s3Call } from './objects';
import type { Services } from '../services';

const DAY_FOLDER = /\/(\d{4}-\d{2}-\d{2})\/$/;

/**
 * The newest day under `prefix` whose manifest exists (delivered and verified), or undefined. Lists the day folders
 * (one request per thousand days), then reads manifests from the newest day down, at most `lookBack` of them.
 */
export async function latestDelivery(deps: Services, prefix: string, lookBack = 10): Promise<Manifest | undefined> {
  const days: string[] = [];
  const folder = prefix === '' ? '' : `${prefix}/`;
  let token: string | undefined;
  do {
    const page = await s3Call(`list ${folder}`, () =>
      deps.s3.send(
        new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token }),
      ),
    );
    for (const p of page.CommonPrefixes ?? []) {
      const day = DAY_FOLDER.exec(`/${p.Prefix ?? ''}`)?.[1];
      if (day) days.push(day);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  for (const day of days.sort().reverse().slice(0, lookBack)) {
    const text = await readTextIfExists(deps.s3, deps.bucket, manifestKey(prefix, day));
    if (text === undefined) continue;
    try {
      return parseManifest(text);
    } catch {
      continue;
    }
  }
  return undefined;
}
