import 'dotenv/config';
import { Command } from 'commander';
import { createClickHouse } from '../lib/clickhouse/client';
import { loadConfig } from '../lib/config';
import { createS3 } from '../lib/s3/client';
import { runCli } from './cli';
import { rangeOption } from './command-input';
import { collectStatus, renderStatus } from './status-report';
import { connectTemporal } from './temporal-client';

const program = new Command('status')
  .description('Each day of a range: verified, stale, missing, failed or running, with rows, time and workflow')
  .option('--from <YYYY-MM-DD>', 'first day (default: 7 days before --to)')
  .option('--to <YYYY-MM-DD>', 'last day (default: yesterday in EXPORT_TIMEZONE)')
  .option('--json', 'print JSON (one object per day) instead of a table', false)
  .allowExcessArguments(false);

async function run(): Promise<number> {
  const opts = program.opts<{ from?: string; to?: string; json: boolean }>();
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'export']);
  const range = rangeOption(opts, config.export.EXPORT_TIMEZONE, { days: 7 });
  const clickhouse = createClickHouse(config.clickhouse);
  const s3 = createS3(config.s3);
  const temporal = await connectTemporal(config.temporal);
  try {
    const deps = { clickhouse, s3, bucket: config.s3.S3_BUCKET_NAME, database: config.clickhouse.CLICKHOUSE_DATABASE };
    const template = {
      table: config.export.CLICKHOUSE_TABLE,
      prefix: config.export.S3_PREFIX,
      timezone: config.export.EXPORT_TIMEZONE,
      statuses: config.export.INCLUDE_STATUSES,
      minRows: config.export.MIN_ROWS,
    };
    const rows = await collectStatus(deps, temporal, config.temporal, range.days, template);
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStatus(rows));
    return 0;
  } finally {
    await temporal.connection.close();
    await clickhouse.close();
    s3.destroy();
  }
}

runCli(program, run);
