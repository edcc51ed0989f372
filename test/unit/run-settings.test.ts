import assert from 'node:assert/strict';
import { conflictMessage, recordedSettings, runSettings, settingDifferences } from '../../common/run-settings';
import { loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { testInput } from '../helpers/export-input';

describe('run settings', () => {
  const base = testInput('2024-03-10', 'conversations', 'agent_metrics');

  it('finds no difference between two starts with the same settings, whoever starts them', () => {
    const running = runSettings({ ...base, trigger: 'scheduled', pollIntervalMs: 1 });
    assert.deepEqual(settingDifferences(running, runSettings({ ...base, trigger: 'backfill' })), []);
  });

  it('names each setting that changes the file, with both values', () => {
    const running = runSettings(base);
    const wanted = runSettings({
      ...base,
      table: 'other',
      prefix: 'px',
      timezone: 'Europe/Paris',
      statuses: ['Answered', 'Missed'],
      minRows: 5,
      onEmpty: 'publish',
      force: true,
    });
    assert.deepEqual(settingDifferences(running, wanted), [
      "table (CLICKHOUSE_TABLE): running 'conversations', this start 'other'",
      "prefix (S3_PREFIX): running 'agent_metrics', this start 'px'",
      "time zone (EXPORT_TIMEZONE): running 'UTC', this start 'Europe/Paris'",
      "statuses (INCLUDE_STATUSES): running 'Answered', this start 'Answered,Missed'",
      "MIN_ROWS: running '1', this start '5'",
      "ON_EMPTY: running 'fail', this start 'publish'",
      "--force: running 'false', this start 'true'",
    ]);
  });

  it('lets a start without --force attach to a forced run, not a forced start to an unforced one', () => {
    assert.deepEqual(settingDifferences(runSettings({ ...base, force: true }), runSettings(base)), []);
    assert.equal(settingDifferences(runSettings(base), runSettings({ ...base, force: true })).length, 1);
  });

  it('names the running workflow and run in the refusal', () => {
    const text = conflictMessage('agent-metrics-default-2024-03-10', 'run-1', [
      "MIN_ROWS: running '1', this start '5'",
    ]);
    assert.match(text, /^agent-metrics-default-2024-03-10 is already running \(run run-1\) with other settings/);
    assert.match(text, /MIN_ROWS: running '1', this start '5'/);
  });

  it('reads recorded settings from a memo, and none from a memo without them', () => {
    assert.deepEqual(recordedSettings({ exportSettings: runSettings(base) }), runSettings(base));
    assert.equal(recordedSettings({}), undefined);
    assert.equal(recordedSettings(undefined), undefined);
  });
});

describe('EXPORT_NAME', () => {
  const env = { CLICKHOUSE_HOST: 'h', S3_BUCKET_NAME: 'bucket' };

  it('defaults to default and accepts a short slug', () => {
    assert.equal(loadConfig(['export'], env).export.EXPORT_NAME, 'default');
    assert.equal(loadConfig(['export'], { ...env, EXPORT_NAME: 'emea-2' }).export.EXPORT_NAME, 'emea-2');
  });

  it('refuses a name that is not a short slug, naming the variable and the value', () => {
    for (const bad of ['EMEA', 'a b', '-x', 'x'.repeat(42), 'a_b']) {
      assert.throws(
        () => loadConfig(['export'], { ...env, EXPORT_NAME: bad }),
        (err: unknown) => err instanceof ConfigError && /EXPORT_NAME: expected a short name/.test(err.message),
        bad,
      );
    }
  });
});
