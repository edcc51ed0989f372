import 'dotenv/config';
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import { failureText } from '../common/failure-text';
import { DeliveredMetrics } from '../lib/dashboard/agent-trend';
import { exportTemplate } from './command-input';
import { settingsAndExports } from './export-choice';
import { UsageError } from '../lib/errors';
import { closeServices, createServices } from '../lib/services';
import { runCli } from './cli';
import { intOption } from './command-input';
import { MAX_DAYS } from './dashboard-api';
import { dashboardUrl, startDashboard } from './dashboard-server';
import { connectTemporal } from './temporal-client';

/** How long a page waits for Temporal before it says Temporal is unreachable. */
const TEMPORAL_CONNECT_TIMEOUT = '3 seconds';

const program = new Command('agent-metrics dashboard')
  .description("A local, read-only web page: each export's days by state, and agents' trends from the delivered files")
  .option('--port <N>', 'port to listen on (0: any free port)', '8787')
  .option('--host <H>', 'address to listen on; keep the default loopback unless others must see it', '127.0.0.1')
  .option('--days <N>', `days the page shows unless asked otherwise (1 to ${MAX_DAYS})`, '30')
  .allowExcessArguments(false);

async function run(): Promise<number> {
  const opts = program.opts<{ port: string; host: string; days: string }>();
  const port = intOption('--port', opts.port, 8787, 0, 65_535);
  const defaultDays = intOption('--days', opts.days, 30, 1, MAX_DAYS);
  if (opts.host.trim() === '') throw new UsageError('--host: expected an address or host name');
  const { config, exports } = settingsAndExports(['clickhouse', 's3', 'temporal'], undefined, 'all');
  const services = createServices(config);
  // Connected on first use and again after a failure: the page says Temporal is down instead of the server exiting.
  let temporal: Promise<Client> | undefined;
  const connect = (): Promise<Client> => {
    temporal ??= connectTemporal(config.temporal, TEMPORAL_CONNECT_TIMEOUT).catch((err: unknown) => {
      temporal = undefined;
      throw new Error(`Temporal at ${config.temporal.TEMPORAL_ADDRESS} is unreachable: ${failureText(err)}`);
    });
    return temporal;
  };
  const ctx = {
    services,
    temporalSettings: config.temporal,
    exports: exports.map((e) => ({ name: e.name, template: exportTemplate(e.settings) })),
    metrics: new DeliveredMetrics(services),
    temporal: connect,
    defaultDays,
  };
  try {
    const server = await startDashboard(ctx, opts.host, port).catch((err: unknown) => {
      throw new Error(`cannot listen on ${opts.host}:${port}: ${failureText(err)}`);
    });
    process.stdout.write(`agent-metrics dashboard: ${dashboardUrl(server)} (read-only; Ctrl-C stops it)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  } finally {
    const client = await temporal?.catch(() => undefined);
    await client?.connection.close();
    await closeServices(services);
  }
}

runCli(program, run);
