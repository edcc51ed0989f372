import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import { createS3 } from '../../lib/s3/client';
import type { Services } from '../../lib/services';
import { stackEnv } from './stack';

/** Clients and settings for the local stack, from .stack/stack.env. */
export function stackContext() {
  const env = stackEnv();
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'export'], env);
  const clickhouse = createClickHouse(config.clickhouse);
  const s3 = createS3(config.s3);
  const deps: Services = {
    clickhouse,
    s3,
    bucket: config.s3.S3_BUCKET_NAME,
    database: config.clickhouse.CLICKHOUSE_DATABASE,
  };
  return { env, config, clickhouse, s3, deps };
}

export type StackContext = ReturnType<typeof stackContext>;
