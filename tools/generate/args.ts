import { randomInt } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { UsageError } from '../../lib/errors';
import { isIsoDate } from './days';
import type { SyntheticOptions } from './plan';

/** The command line of `npm run generate`, parsed and checked: the generator's options (see SyntheticOptions). */
export type GenerateArgs = Required<
  Pick<
    SyntheticOptions,
    'from' | 'to' | 'callsPerDay' | 'agents' | 'seed' | 'timezone' | 'duplicateRate' | 'updateRate' | 'negativeRate'
  >
> & { readonly concurrency: number };

const date = z.string().refine(isIsoDate, 'expected a real calendar date as YYYY-MM-DD');
const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `expected a whole number from ${min} to ${max}`);
const rate = z
  .string()
  .regex(/^(0|1|0?\.\d+|1\.0*)$/, 'expected a fraction from 0 to 1, such as 0.005')
  .transform(Number);

const schema = z
  .object({
    from: date,
    to: date,
    callsPerDay: whole(1, 1_000_000_000),
    agents: whole(1, 10_000_000),
    seed: whole(0, 0xffffffff).optional(),
    timezone: z
      .string()
      .refine((tz) => IANAZone.isValidZone(tz), 'expected an IANA time zone such as UTC or Europe/Paris'),
    duplicateRate: rate,
    updateRate: rate,
    negativeRate: rate,
    concurrency: whole(1, 16),
  })
  .refine((a) => a.from <= a.to, { path: ['to'], message: 'must not be before --from' })
  .refine((a) => a.duplicateRate + a.updateRate <= 1, {
    path: ['updateRate'],
    message: 'duplicate and update rates add up to more than 1',
  });

function command(writeOut: (text: string) => void): Command {
  return new Command('agent-metrics generate')
    .description('Insert realistic synthetic calls into the ClickHouse table (CLICKHOUSE_* settings, .env).')
    .requiredOption('--from <date>', 'first local day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last local day, YYYY-MM-DD (inclusive)')
    .option('--calls-per-day <n>', 'calls per day', '10000')
    .option('--agents <n>', 'number of agents', '50')
    .option('--seed <n>', 'same seed and options, same rows (0..4294967295; default: random, printed)')
    .option('--timezone <tz>', 'IANA time zone of the days', 'UTC')
    .option('--duplicate-rate <r>', 'share of calls inserted twice', '0.005')
    .option('--update-rate <r>', 'share of calls that get a later update row', '0.005')
    .option('--negative-rate <r>', 'share of rows with a negative duration', '0.0001')
    .option('--concurrency <n>', 'INSERT statements in flight', '2')
    .exitOverride()
    .configureOutput({ writeOut, writeErr: () => undefined });
}

const FLAGS: Record<string, string> = {
  callsPerDay: '--calls-per-day',
  duplicateRate: '--duplicate-rate',
  updateRate: '--update-rate',
  negativeRate: '--negative-rate',
};

/**
 * Parses `argv` (without node and script). Returns 'help' once help was written to `writeOut`; throws UsageError,
 * naming the option and what it expects, for anything malformed, impossible or unknown.
 */
export function parseGenerateArgs(
  argv: readonly string[],
  writeOut: (text: string) => void = (text) => process.stdout.write(text),
): GenerateArgs | 'help' {
  let raw: Record<string, unknown>;
  try {
    raw = command(writeOut)
      .parse([...argv], { from: 'user' })
      .opts();
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 'help';
    if (err instanceof CommanderError) throw new UsageError(err.message.replace(/^error: /, ''));
    throw err;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const value = raw[key];
      return `${FLAGS[key] ?? `--${key}`}: ${issue.message}${typeof value === 'string' ? ` (got '${value}')` : ''}`;
    });
    throw new UsageError(`invalid arguments:\n${lines.map((line) => `  - ${line}`).join('\n')}`);
  }
  return { ...parsed.data, seed: parsed.data.seed ?? randomInt(0, 0x100000000) };
}
