import assert from 'node:assert/strict';
import { UsageError } from '../../lib/errors';
import { parseGenerateArgs, type GenerateArgs } from '../../tools/generate/args';

const silent = () => undefined;
const parse = (...argv: string[]) => parseGenerateArgs(argv, silent);
const base = ['--from', '2024-03-09', '--to', '2024-03-11'];

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parse(...argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('npm run generate arguments', () => {
  it('reads every option', () => {
    const args = parse(
      ...base,
      '--calls-per-day',
      '10000000',
      '--agents',
      '2000',
      '--seed',
      '42',
      '--timezone',
      'America/New_York',
      '--duplicate-rate',
      '0.01',
      '--update-rate',
      '.02',
      '--negative-rate',
      '0',
      '--concurrency',
      '3',
    );
    const expected: GenerateArgs = {
      from: '2024-03-09',
      to: '2024-03-11',
      callsPerDay: 10_000_000,
      agents: 2000,
      seed: 42,
      timezone: 'America/New_York',
      duplicateRate: 0.01,
      updateRate: 0.02,
      negativeRate: 0,
      concurrency: 3,
    };
    assert.deepEqual(args, expected);
  });

  it('fills defaults and picks a random seed when none is given', () => {
    const args = parse(...base);
    assert.ok(args !== 'help');
    assert.deepEqual(
      { ...args, seed: 0 },
      {
        from: '2024-03-09',
        to: '2024-03-11',
        callsPerDay: 10000,
        agents: 50,
        seed: 0,
        timezone: 'UTC',
        duplicateRate: 0.005,
        updateRate: 0.005,
        negativeRate: 0.0001,
        concurrency: 2,
      },
    );
    assert.ok(Number.isInteger(args.seed) && args.seed >= 0 && args.seed <= 0xffffffff);
  });

  it('accepts a single day (from = to)', () => {
    const args = parse('--from', '2024-02-29', '--to', '2024-02-29');
    assert.ok(args !== 'help' && args.from === '2024-02-29' && args.to === '2024-02-29');
  });

  it('writes the help text and reports it instead of arguments', () => {
    let out = '';
    assert.equal(
      parseGenerateArgs(['--help'], (text) => (out += text)),
      'help',
    );
    assert.match(out, /--calls-per-day/);
  });

  it('rejects missing dates', () => {
    usageError(['--to', '2024-03-11'], /--from/);
    usageError(['--from', '2024-03-11'], /--to/);
    usageError(['--from'], /--from/);
  });

  it('rejects malformed and impossible dates', () => {
    usageError(
      ['--from', '2024-02-30', '--to', '2024-03-01'],
      /--from: expected a real calendar date .*got '2024-02-30'/,
    );
    usageError(['--from', '2023-02-29', '--to', '2023-03-01'], /--from/);
    usageError(['--from', '2024-3-9', '--to', '2024-03-11'], /--from/);
    usageError(['--from', '2024-03-09', '--to', '2024-03-11T00:00'], /--to/);
    usageError(['--from', '2024-13-01', '--to', '2024-13-02'], /--from.*\n.*--to/);
  });

  it('rejects a range whose start is after its end', () => {
    usageError(['--from', '2024-03-12', '--to', '2024-03-11'], /--to: must not be before --from/);
  });

  it('rejects counts that are not positive whole numbers', () => {
    for (const bad of ['0', '-5', '1.5', 'abc', '', '1e3', '0x10']) {
      usageError([...base, '--calls-per-day', bad], /--calls-per-day: expected a whole number/);
      usageError([...base, '--agents', bad], /--agents: expected a whole number/);
    }
    usageError([...base, '--concurrency', '17'], /--concurrency/);
    usageError([...base, '--seed', '4294967296'], /--seed/);
  });

  it('rejects rates outside [0, 1] and rates that add up to more than 1', () => {
    usageError([...base, '--duplicate-rate', '1.5'], /--duplicate-rate/);
    usageError([...base, '--update-rate', '-0.1'], /--update-rate/);
    usageError([...base, '--duplicate-rate', '0.6', '--update-rate', '0.6'], /add up to more than 1/);
  });

  it('rejects an unknown time zone', () => {
    usageError([...base, '--timezone', 'Mars/Olympus_Mons'], /--timezone: expected an IANA time zone.*Mars/);
  });

  it('rejects unknown options and stray arguments', () => {
    usageError([...base, '--calls', '5'], /unknown option '--calls'/);
    usageError([...base, 'extra'], /too many arguments/);
  });
});
