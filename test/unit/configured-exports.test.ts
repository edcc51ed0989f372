import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chosenExports, settingsAndExports } from '../../client/export-choice';
import { ConfigError, UsageError } from '../../lib/errors';
import { configuredExports } from '../../lib/exports/configured-exports';

const dir = mkdtempSync(join(tmpdir(), 'agent-metrics-exports-'));
let files = 0;

/** The environment of a command with EXPORTS_FILE pointing at a file holding `yaml`. */
function withFile(yaml: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  files += 1;
  const file = join(dir, `exports-${files}.yaml`);
  writeFileSync(file, yaml);
  return { EXPORT_TIMEZONE: 'Europe/Paris', INCLUDE_STATUSES: 'Answered', ...env, EXPORTS_FILE: file };
}

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    configuredExports(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

const ACME = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('configured exports (EXPORTS_FILE)', () => {
  it('resolves each export of a good file, taking unset keys from the environment', () => {
    const env = withFile(
      `exports:
  - name: acme
    customer_id: ${ACME.toUpperCase()}
    bucket: acme-metrics
    prefix: acme/daily
    timezone: america/new_york
    statuses: [Answered, Missed]
    format: csv.gz
    columns: [calls_missed, answer_rate]
    schedule: { time: '06:30', timezone: UTC }
    deadline: '07:00'
    webhook: https://hooks.example.com/T000/B000
    min_rows: 10
    on_empty: publish
  - name: all-customers
    table: calls_v2
`,
      { S3_PREFIX: 'from_env', MIN_ROWS: '3', SCHEDULE_TIME: '04:15' },
    );
    const [acme, all] = configuredExports(env);
    assert.equal(acme?.name, 'acme');
    assert.equal(acme?.source, 'file');
    assert.equal(acme?.settings.EXPORT_NAME, 'acme');
    assert.equal(acme?.settings.CUSTOMER_ID, ACME);
    assert.equal(acme?.settings.S3_BUCKET_NAME, 'acme-metrics');
    assert.equal(acme?.settings.S3_PREFIX, 'acme/daily');
    assert.equal(acme?.settings.EXPORT_TIMEZONE, 'America/New_York');
    assert.deepEqual(acme?.settings.INCLUDE_STATUSES, ['Answered', 'Missed']);
    assert.equal(acme?.settings.MIN_ROWS, 10);
    assert.equal(acme?.settings.ON_EMPTY, 'publish');
    assert.equal(acme?.schedule.SCHEDULE_TIME, '06:30');
    assert.equal(acme?.schedule.SCHEDULE_TIMEZONE, 'UTC');
    assert.equal(acme?.settings.OUTPUT_FORMAT, 'csv.gz');
    assert.deepEqual(acme?.settings.METRIC_COLUMNS, ['calls_missed', 'answer_rate']);
    assert.equal(acme?.settings.DELIVERY_DEADLINE, '07:00');
    assert.deepEqual(acme?.delivery, { ALERT_WEBHOOK_URL: 'https://hooks.example.com/T000/B000' });
    // Everything the second export leaves out comes from the environment (or its default).
    assert.equal(all?.settings.EXPORT_NAME, 'all-customers');
    assert.equal(all?.settings.CLICKHOUSE_TABLE, 'calls_v2');
    assert.equal(all?.settings.CUSTOMER_ID, undefined);
    assert.equal(all?.settings.S3_BUCKET_NAME, undefined);
    assert.equal(all?.settings.S3_PREFIX, 'from_env');
    assert.equal(all?.settings.EXPORT_TIMEZONE, 'Europe/Paris');
    assert.equal(all?.settings.MIN_ROWS, 3);
    assert.equal(all?.schedule.SCHEDULE_TIME, '04:15');
    assert.equal(all?.schedule.SCHEDULE_TIMEZONE, undefined);
    assert.equal(all?.settings.OUTPUT_FORMAT, 'csv');
    assert.equal(all?.delivery.ALERT_WEBHOOK_URL, undefined);
  });

  it("accepts the README's sample agent-metrics.yaml as written", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const sample = /```yaml\n(exports:[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(sample, 'the README shows a sample file');
    const exports = configuredExports(withFile(sample));
    assert.deepEqual(
      exports.map((e) => e.name),
      ['acme', 'all-customers'],
    );
    assert.equal(exports[0]?.schedule.SCHEDULE_TIME, '06:00');
  });

  it('without EXPORTS_FILE, defines the one export of the environment, named EXPORT_NAME', () => {
    const [only, ...rest] = configuredExports({ EXPORT_NAME: 'nightly', S3_PREFIX: 'p', CUSTOMER_ID: ACME });
    assert.equal(rest.length, 0);
    assert.equal(only?.name, 'nightly');
    assert.equal(only?.source, 'environment');
    assert.equal(only?.settings.S3_PREFIX, 'p');
    assert.equal(only?.settings.CUSTOMER_ID, ACME);
    assert.equal(only?.settings.S3_BUCKET_NAME, undefined);
    assert.equal(configuredExports({})[0]?.name, 'default');
  });

  it('names the export and the YAML key of every bad value, never echoing the webhook', () => {
    const env = withFile(`exports:
  - name: ok
  - name: acme
    timezone: Mars/Olympus
    customer_id: not-a-uuid
    bucket: Bad_Bucket
    prefix: a//b
    statuses: [Answered, Lost]
    min_rows: 0
    on_empty: maybe
    schedule: { time: '25:00' }
    format: xlsx
    columns: ['Has Space']
    deadline: 7am
    webhook: ftp://user:secret@hooks.example.com/x
`);
    const found = problems(env);
    const acme = 'exports[1] (name "acme")';
    for (const key of [
      'timezone: expected an IANA time zone',
      'customer_id: expected a customer_id UUID',
      'bucket: expected an S3 bucket name',
      'prefix: ',
      'statuses: expected',
      'min_rows: expected',
      'on_empty: expected',
      'schedule.time: expected a time of day',
      'format: expected one of csv, csv.gz, jsonl, jsonl.gz, parquet',
      'columns: unknown has space: expected a comma list of calls_answered',
      'deadline: expected a local time of day as HH:MM',
      'webhook: expected an http(s) URL',
    ]) {
      assert.ok(
        found.some((p) => p.startsWith(`${acme}: ${key}`)),
        `no problem '${acme}: ${key}…' in:\n${found.join('\n')}`,
      );
    }
    assert.ok(
      found.some((p) => p.includes("(got 'Mars/Olympus')")),
      'shows a bad value that is not secret',
    );
    assert.ok(!found.some((p) => p.includes('secret') || p.includes('hooks.example.com')), found.join('\n'));
    assert.ok(!found.some((p) => p.startsWith('exports[0]')), 'the good export has no problem');
  });

  it('refuses unknown keys, naming them and the export', () => {
    const found = problems(
      withFile(`exports:
  - name: acme
    tabel: calls
    schedule: { time: '02:00', cron: '0 2 * * *' }
`),
    );
    assert.deepEqual(
      found.map((p) => p.replace(/ \(expected .*\)$/, '')),
      ['exports[0] (name "acme"): tabel: unknown key', 'exports[0] (name "acme"): schedule.cron: unknown key'],
    );
  });

  it('refuses duplicate, missing and malformed names', () => {
    const found = problems(
      withFile(`exports:
  - name: acme
  - name: acme
  - table: calls
  - name: Acme_Corp
`),
    );
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found[0]!, /^exports\[1\] \(name "acme"\): name: "acme" is also the name of exports\[0\]/);
    assert.match(found[1]!, /^exports\[2\]: name: required/);
    assert.match(found[2]!, /^exports\[3\] \(name "Acme_Corp"\): name: required, a short name of a-z/);
  });

  it('refuses a file that is not a list of exports, and one it cannot read', () => {
    assert.match(problems(withFile('exports: []\n'))[0]!, /expected a mapping with 'exports:'/);
    assert.match(problems(withFile('exports:\n  - name: a\n    name: b\n'))[0]!, /not valid YAML/);
    assert.match(problems(withFile('export:\n  - name: a\n'))[0]!, /expected a mapping with 'exports:'/);
    assert.match(problems({ EXPORTS_FILE: join(dir, 'absent.yaml') })[0]!, /EXPORTS_FILE: cannot read/);
  });

  it("reports a bad environment variable an export inherits once, as the environment's", () => {
    const found = problems(withFile('exports:\n  - name: a\n  - name: b\n', { ON_EMPTY: 'never', SCHEDULE_ID: 'x' }));
    assert.equal(found.filter((p) => p.startsWith('ON_EMPTY: ')).length, 1, found.join('\n'));
    assert.ok(
      found.some((p) => p.startsWith('SCHEDULE_ID: not used with EXPORTS_FILE')),
      found.join('\n'),
    );
  });

  it("lists a command's bad variables and the file's bad keys in one message", () => {
    const env = withFile('exports:\n  - name: acme\n    timezone: Mars/Base\n', { TEMPORAL_TASK_QUEUE: ' ' });
    assert.throws(
      () => settingsAndExports(['temporal'], 'acme', 'one', env),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith('TEMPORAL_TASK_QUEUE: ')) &&
        err.problems.some((p) => p.startsWith('exports[0] (name "acme"): timezone: ')),
    );
  });

  it('lets export and backfill act on one export only, status and schedule on all by default', () => {
    const env = withFile('exports:\n  - name: acme\n  - name: globex\n');
    assert.throws(
      () => chosenExports(undefined, 'one', env),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /2 exports are configured \(acme, globex\): choose one with --export <name>/);
        return true;
      },
    );
    assert.deepEqual(
      chosenExports(undefined, 'all', env).map((e) => e.name),
      ['acme', 'globex'],
    );
    assert.deepEqual(
      chosenExports('globex', 'one', env).map((e) => e.name),
      ['globex'],
    );
    assert.throws(
      () => chosenExports('initech', 'all', env),
      /no export named 'initech'; the exports are acme, globex/,
    );
    assert.equal(chosenExports(undefined, 'one', { EXPORT_NAME: 'solo' })[0]?.name, 'solo');
  });
});
