import type { ClickHouseClient } from '@clickhouse/client';
import type { S3Client } from '@aws-sdk/client-s3';

/** What activities need from the worker: its clients and the settings tied to them (never secrets). */
export interface ActivityDeps {
  readonly clickhouse: ClickHouseClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly database: string;
}
