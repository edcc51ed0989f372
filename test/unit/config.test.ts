import assert from 'node:assert/strict';
import { clickhouseUrl } from '../../lib/clickhouse/client';
import { clickhouseEndpoint } from '../../lib/clickhouse/endpoint';
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
    assert.equal(clickhouseUrl(c.clickhouse), 'http://ch.internal:8123');
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

describe('configuration: values that look right but fail later', () => {
  const problemOf = (env: Record<string, string>, name: string, sections: Parameters<typeof loadConfig>[0]) =>
    problems({ ...base, ...env }, sections).find((p) => p.startsWith(`${name}:`));

  for (const prefix of ['..', '.', 'a/../b', 'a//b', 'a/./b', 'exports/..']) {
    it(`refuses S3_PREFIX '${prefix}' (a segment S3 keys must not have)`, () => {
      assert.match(problemOf({ S3_PREFIX: prefix }, 'S3_PREFIX', ['export']) ?? '', /segment/);
    });
  }

  it('still takes a nested prefix and drops slashes at its ends', () => {
    assert.equal(
      loadConfig(['export'], { S3_PREFIX: '/exports/agent.metrics/' }).export.S3_PREFIX,
      'exports/agent.metrics',
    );
  });

  for (const [bucket, why] of [
    ['a..b', /'\.\.'/],
    ['192.168.1.1', /IP address/],
    ['my-.bucket', /'\.-'/],
    ['xn--bucket', /reserve/],
    ['Bucket', /lowercase/],
  ] as const) {
    it(`refuses S3_BUCKET_NAME '${bucket}'`, () => {
      assert.match(problemOf({ S3_BUCKET_NAME: bucket }, 'S3_BUCKET_NAME', ['s3']) ?? '', why);
    });
  }

  it('reads time zones in their canonical spelling, so they compare equal to a manifest', () => {
    assert.equal(loadConfig(['export'], { EXPORT_TIMEZONE: 'europe/paris' }).export.EXPORT_TIMEZONE, 'Europe/Paris');
    assert.equal(loadConfig(['export'], { EXPORT_TIMEZONE: 'Etc/UTC' }).export.EXPORT_TIMEZONE, 'UTC');
    const s = loadConfig(['schedule'], { SCHEDULE_TIMEZONE: 'america/new_york' }).schedule;
    assert.equal(s.SCHEDULE_TIMEZONE, 'America/New_York');
  });

  it('refuses a poll interval that would crowd the history (DATA_POLL_INTERVAL=0s, or too many polls)', () => {
    assert.match(problemOf({ DATA_POLL_INTERVAL: '0s' }, 'DATA_POLL_INTERVAL', ['export']) ?? '', /under 1 second/);
    const many = problemOf({ DATA_POLL_INTERVAL: '1s', DATA_WAIT_TIMEOUT: '6h' }, 'DATA_POLL_INTERVAL', ['export']);
    assert.match(many ?? '', /21600 polls, more than 720.*poll every 30 s or more/);
    assert.match(problemOf({ DATA_WAIT_TIMEOUT: '30d' }, 'DATA_WAIT_TIMEOUT', ['export']) ?? '', /at most 7 days/);
  });
});

describe('configuration: URLs and credentials', () => {
  const secret = 'pw-Zx81-never-print';

  for (const name of ['S3_ENDPOINT', 'TEMPORAL_UI_URL', 'CLICKHOUSE_HOST', 'CLICKHOUSE_URL']) {
    it(`never shows the user info of a bad ${name}`, () => {
      const env = { ...base, [name]: `ftp://admin:${secret}@host:99999/x y` };
      if (name === 'CLICKHOUSE_URL') delete (env as Record<string, string>).CLICKHOUSE_HOST;
      const found = problems(env, ['clickhouse', 's3', 'temporal']);
      assert.ok(
        found.some((p) => p.startsWith(`${name}:`)),
        JSON.stringify(found),
      );
      assert.ok(!found.join('\n').includes(secret), found.join('\n'));
      assert.ok(!found.join('\n').includes('admin'), found.join('\n'));
    });
  }

  it('refuses user info in S3_ENDPOINT and TEMPORAL_UI_URL, whose URLs get printed', () => {
    const found = problems(
      { ...base, S3_ENDPOINT: `http://u:${secret}@minio:9000`, TEMPORAL_UI_URL: `http://u:${secret}@ui:8233` },
      ['s3', 'temporal'],
    );
    assert.equal(found.filter((p) => /no user or password/.test(p)).length, 2, JSON.stringify(found));
    assert.ok(!found.join('\n').includes(secret));
  });

  it('connects CLICKHOUSE_HOST=https://host to port 8443 and keeps its path', () => {
    const c = loadConfig(['clickhouse'], { CLICKHOUSE_HOST: 'https://ch.example.com/proxy/ch/' }).clickhouse;
    assert.equal(clickhouseUrl(c), 'https://ch.example.com:8443/proxy/ch');
    assert.equal(clickhouseUrl({ CLICKHOUSE_HOST: 'http://ch' }), 'http://ch:8123');
    assert.equal(clickhouseUrl({ CLICKHOUSE_HOST: 'ch', CLICKHOUSE_PORT: 9123 }), 'http://ch:9123');
    assert.equal(clickhouseUrl({ CLICKHOUSE_HOST: 'https://ch', CLICKHOUSE_PORT: 9443 }), 'https://ch:9443');
  });

  it('reads CLICKHOUSE_URL, with its user info as the credentials', () => {
    const c = loadConfig(['clickhouse'], {
      CLICKHOUSE_URL: `https://reader:${encodeURIComponent('p@ss/w')}@ch:9440/db-proxy`,
    }).clickhouse;
    const e = clickhouseEndpoint(c);
    assert.deepEqual(e, {
      origin: 'https://ch:9440',
      pathname: '/db-proxy',
      secure: true,
      username: 'reader',
      password: 'p@ss/w',
    });
  });

  it('takes the user and password of CLICKHOUSE_HOST=https://u:pw@host instead of connecting as default', () => {
    const c = loadConfig(['clickhouse'], { CLICKHOUSE_HOST: `https://alice:${secret}@ch` }).clickhouse;
    const e = clickhouseEndpoint(c);
    assert.equal(e.username, 'alice');
    assert.equal(e.password, secret);
    assert.ok(!clickhouseUrl(c).includes(secret));
  });

  it('refuses contradicting ClickHouse settings, naming the variable', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ CLICKHOUSE_URL: 'http://a:8123', CLICKHOUSE_HOST: 'b' }, 'CLICKHOUSE_URL', /not both/],
      [{ CLICKHOUSE_URL: 'http://a', CLICKHOUSE_PORT: '8124' }, 'CLICKHOUSE_PORT', /in the URL/],
      [{ CLICKHOUSE_URL: `http://u:${secret}@a`, CLICKHOUSE_PASSWORD: 'x' }, 'CLICKHOUSE_URL', /credentials once/],
      [{ CLICKHOUSE_URL: 'http://a/?database=x' }, 'CLICKHOUSE_URL', /without \?query/],
      [{ CLICKHOUSE_HOST: 'ch:8123' }, 'CLICKHOUSE_HOST', /host name/],
      [{ CLICKHOUSE_HOST: 'ch', CLICKHOUSE_CA_CERT: '/etc/hostname' }, 'CLICKHOUSE_CA_CERT', /https/],
      [{ CLICKHOUSE_URL: 'https://a', CLICKHOUSE_CA_CERT: '/no/such/ca.pem' }, 'CLICKHOUSE_CA_CERT', /PEM file/],
    ];
    for (const [env, name, message] of cases) {
      const found = problems(env, ['clickhouse']);
      assert.match(found.find((p) => p.startsWith(`${name}:`)) ?? JSON.stringify(found), message);
      assert.ok(!found.join('\n').includes(secret));
    }
  });
});
