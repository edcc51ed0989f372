import 'dotenv/config';
import { Command } from 'commander';
import { closeServices, createServices } from '../lib/services';
import { runCli } from './cli';
import { exportTemplate, rangeOption } from './command-input';
import { EXPORT_OPTION, settingsAndExports } from './export-choice';
import { collectStatus, renderStatus, type StatusRow } from './status-report';
import { connectTemporal } from './temporal-client';

const program = new Command('agent-metrics status')
  .description('Each day of a range: verified, stale, missing, failed or running, with rows, time and workflow')
  .option(...EXPORT_OPTION)
  .option('--from <YYYY-MM-DD>', 'first day (default: 7 days before --to)')
  .option('--to <YYYY-MM-DD>', 'last day (default: yesterday in EXPORT_TIMEZONE)')
  .option('--json', 'print JSON (one object per day) instead of a table', false)
  .allowExcessArguments(false);

async function run(): Promise<number> {
  const opts = program.opts<{ export?: string; from?: string; to?: string; json: boolean }>();
  // Every export unless --export names one (docs/contract.md §11), each over its own days in its own time zone.
  const { config, exports } = settingsAndExports(['clickhouse', 's3', 'temporal'], opts.export, 'all');
  const ranges = exports.map((e) => rangeOption(opts, e.settings.EXPORT_TIMEZONE, { days: 7 }));
  const services = createServices(config);
  const temporal = await connectTemporal(config.temporal);
  try {
    const rows: StatusRow[] = [];
    const tables: string[] = [];
    for (const [i, e] of exports.entries()) {
      const template = exportTemplate(e.settings);
      const own = await collectStatus(services, temporal, config.temporal, ranges[i]!.days, template);
      rows.push(...own);
      tables.push(exports.length > 1 ? `export ${e.name}:\n${renderStatus(own)}` : renderStatus(own));
    }
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : tables.join('\n'));
    return 0;
  } finally {
    await temporal.connection.close();
    await closeServices(services);
  }
}

runCli(program, run);
