import type { ClickHouseClient } from '@clickhouse/client';
import type { S3Client } from '@aws-sdk/client-s3';
import { createClickHouse } from './clickhouse/client';
import type { ClickHouseSettings, S3Settings } from './config';
import { createS3 } from './s3/client';

/** The clients the product reads and writes through, and the settings tied to them (never secrets). */
export interface Services {
  readonly clickhouse: ClickHouseClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly database: string;
}

/** One ClickHouse and one S3 client for the process (the worker, or a command that reads the bucket). */
export function createServices(config: { clickhouse: ClickHouseSettings; s3: S3Settings }): Services {
  return {
    clickhouse: createClickHouse(config.clickhouse),
    s3: createS3(config.s3),
    bucket: config.s3.S3_BUCKET_NAME,
    database: config.clickhouse.CLICKHOUSE_DATABASE,
  };
}

/** Closes what createServices opened. */
export async function closeServices(services: Services): Promise<void> {
  services.s3.destroy();
  await services.clickhouse.close();
}
