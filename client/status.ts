import 'dotenv/config';
import { Command } from 'commander';
import { loadConfig } from '../lib/config';
import { closeServices, createServices } from '../lib/services';
import { runCli } from './cli';
import { exportTemplate, rangeOption } from './command-input';
import { collectStatus, renderStatus } from './status-report';
import { connectTemporal } from './temporal-client';

const program = new Command('agent-metrics status')
  .description('Each day of a range: verified, stale, missing, failed or running, with rows, time and workflow')
  .option('--from <YYYY-MM-DD>', 'first day (default: 7 days before --to)')
  .option('--to <YYYY-MM-DD>', 'last day (default: yesterday in EXPORT_TIMEZONE)')
  .option('--json', 'print JSON (one object per day) instead of a table', false)
  .allowExcessArguments(false);

async function run(): Promise<number> {
  const opts = program.opts<{ from?: string; to?: string; json: boolean }>();
  const config = loadConfig(['clickhouse', 's3', 'temporal', 'export']);
  const range = rangeOption(opts, config.export.EXPORT_TIMEZONE, { days: 7 });
  const services = createServices(config);
  const temporal = await connectTemporal(config.temporal);
  try {
    const rows = await collectStatus(services, temporal, config.temporal, range.days, exportTemplate(config.export));
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStatus(rows));
    return 0;
  } finally {
    await temporal.connection.close();
    await closeServices(services);
  }
}

runCli(program, run);
