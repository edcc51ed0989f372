import dotenv from 'dotenv';
import { createClickHouse } from '../../lib/clickhouse/client';
import { loadConfig } from '../../lib/config';
import { UsageError } from '../../lib/errors';
import { parseGenerateArgs } from './args';
import { generateConversations, type GenerateProgress, type GenerateSummary } from './calls';

const n = (value: number) => value.toLocaleString('en-US');

function progressLine(p: GenerateProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = Math.round(p.rows / Math.max(seconds, 0.001));
  return `${p.date}: ${n(p.calls)}/${n(p.totalCalls)} calls, ${n(p.rows)} rows in ${seconds.toFixed(1)} s (${n(rate)} rows/s)`;
}

function summaryText(s: GenerateSummary, target: string): string {
  const lines = s.days.map(
    (d) =>
      `${d.date}  ${d.windowStart} .. ${d.windowEnd}  ${n(d.rows)} rows: ${n(d.calls)} calls, ${n(d.duplicates)} duplicates, ${n(d.updates)} updates`,
  );
  const total = s.days.reduce((sum, d) => ({ dup: sum.dup + d.duplicates, upd: sum.upd + d.updates }), {
    dup: 0,
    upd: 0,
  });
  return [
    `Inserted into ${target} (time zone ${s.timezone}, seed ${s.seed}):`,
    ...lines,
    `Total: ${n(s.rows)} rows (${n(total.dup)} duplicates, ${n(total.upd)} updates) in ${(s.elapsedMs / 1000).toFixed(1)} s, ${n(s.rowsPerSecond)} rows/s`,
    '',
  ].join('\n');
}

async function run(): Promise<void> {
  const args = parseGenerateArgs(process.argv.slice(2));
  // Arguments checked: with AGENT_METRICS_PARSE_ONLY=1 (the README's command lines test) stop here.
  if (args === 'help' || process.env.AGENT_METRICS_PARSE_ONLY === '1') return;
  // CLICKHOUSE_TABLE sits in the export section; its other settings all have defaults.
  const { clickhouse, export: exportSettings } = loadConfig(['clickhouse', 'export']);
  const client = createClickHouse(clickhouse);
  try {
    const [database, table] = [clickhouse.CLICKHOUSE_DATABASE, exportSettings.CLICKHOUSE_TABLE];
    const onProgress = (p: GenerateProgress) => process.stderr.write(`${progressLine(p)}\n`);
    const summary = await generateConversations(client, { ...args, database, table, onProgress });
    process.stdout.write(summaryText(summary, `${database}.${table}`));
  } finally {
    await client.close();
  }
}

dotenv.config({ quiet: true });
run().catch((err: unknown) => {
  const usage = err instanceof UsageError;
  process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
  if (usage) process.stderr.write('Run with --help for the options.\n');
  process.exitCode = usage ? 2 : 1;
});
