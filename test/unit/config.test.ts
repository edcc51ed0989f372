import assert from 'node:assert/strict';
import { loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

const base = { CLICKHOUSE_HOST: 'ch.internal', S3_BUCKET_NAME: 'agent-metrics' };

function problems(env: Record<string, string>, sections: Parameters<typeof loadConfig>[0]): string[] {
  try {
    loadConfig(sections, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  return [];
}

describe('configuration', () => {
  it('fills the documented defaults', () => {
    const c = loadConfig(['clickhouse', 's3', 'temporal', 'export'], base);
    assert.equal(c.clickhouse.CLICKHOUSE_PORT, 8123);
    assert.equal(c.clickhouse.CLICKHOUSE_DATABASE, 'default');
    assert.equal(c.export.CLICKHOUSE_TABLE, 'conversations');
    assert.equal(c.export.S3_PREFIX, 'agent_metrics');
    assert.equal(c.export.EXPORT_TIMEZONE, 'UTC');
    assert.deepEqual(c.export.INCLUDE_STATUSES, ['Answered']);
    assert.equal(c.export.MIN_ROWS, 1);
    assert.equal(c.export.DATA_POLL_INTERVAL, 10 * 60_000);
    assert.equal(c.export.DATA_WAIT_TIMEOUT, 6 * 3_600_000);
    assert.equal(c.export.ON_EMPTY, 'fail');
    assert.equal(c.temporal.TEMPORAL_TASK_QUEUE, 'agent-metrics');
  });

  it('reads statuses case-insensitively, in enum order, and accepts all', () => {
    const c = loadConfig(['export'], { INCLUDE_STATUSES: 'missed, answered' });
    assert.deepEqual(c.export.INCLUDE_STATUSES, ['Answered', 'Missed']);
    const all = loadConfig(['export'], { INCLUDE_STATUSES: 'all' });
    assert.deepEqual(all.export.INCLUDE_STATUSES, ['Answered', 'Missed', 'Rejected', 'Hangup', 'Voicemail']);
  });

  it('names every bad variable in one error, with what it expects', () => {
    const found = problems(
      {
        CLICKHOUSE_PORT: 'http',
        CLICKHOUSE_TABLE: 'calls; DROP TABLE x',
        EXPORT_TIMEZONE: 'Mars/Olympus',
        INCLUDE_STATUSES: 'Answered,Dropped',
        DATA_POLL_INTERVAL: 'soon',
        ON_EMPTY: 'ignore',
      },
      ['clickhouse', 's3', 'export'],
    );
    const names = found.map((p) => p.split(':')[0]);
    for (const name of [
      'CLICKHOUSE_HOST',
      'CLICKHOUSE_PORT',
      'S3_BUCKET_NAME',
      'CLICKHOUSE_TABLE',
      'EXPORT_TIMEZONE',
      'INCLUDE_STATUSES',
      'DATA_POLL_INTERVAL',
      'ON_EMPTY',
    ]) {
      assert.ok(names.includes(name), `${name} missing from ${JSON.stringify(found)}`);
    }
    assert.match(
      found.find((p) => p.startsWith('CLICKHOUSE_PORT'))!,
      /port number.*got 'http'/,
    );
    assert.match(
      found.find((p) => p.startsWith('EXPORT_TIMEZONE'))!,
      /IANA/,
    );
  });

  it('never prints a secret value', () => {
    const found = problems({ ...base, AWS_SECRET_ACCESS_KEY: 'hunter2-very-secret' }, ['s3']);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /AWS_ACCESS_KEY_ID/);
    assert.ok(!found.join('\n').includes('hunter2'));
  });
});
