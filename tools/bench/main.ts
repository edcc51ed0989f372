import 'dotenv/config';
import type { Client } from '@temporalio/client';
import { connectTemporal } from '../../client/temporal-client';
import { loadConfig, type Config } from '../../lib/config';
import { closeServices, createServices, type Services } from '../../lib/services';

type BenchConfig = Config<'clickhouse' | 's3' | 'temporal' | 'export' | 'schedule'>;

/**
 * Runs a benchmark with the stack's clients (ClickHouse, S3, Temporal), closes them at the end, and exits 1 with the
 * error's stack if it fails.
 */
export function runBench(
  bench: (ctx: { config: BenchConfig; services: Services; client: Client }) => Promise<void>,
): void {
  const go = async () => {
    const config = loadConfig(['clickhouse', 's3', 'temporal', 'export', 'schedule']);
    const services = createServices(config);
    const client = await connectTemporal(config.temporal);
    try {
      await bench({ config, services, client });
    } finally {
      await client.connection.close();
      await closeServices(services);
    }
  };
  go().catch((err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  });
}
