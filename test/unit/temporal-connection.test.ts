import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';

describe('the Temporal connection (@temporalio/envconfig)', function () {
  let dir: string;
  // No config file unless a test writes one: the developer's own ~/.config/temporalio/temporal.toml stays out.
  const base = () => ({ TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') });
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'temporal-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to localhost:7233, namespace default, no TLS', function () {
    const { temporal } = loadConfig(['temporal'], base());
    assert.equal(temporal.TEMPORAL_ADDRESS, 'localhost:7233');
    assert.equal(temporal.TEMPORAL_NAMESPACE, 'default');
    assert.equal(temporal.connection.tls, undefined);
  });

  it('reads the standard variables', function () {
    const { temporal } = loadConfig(['temporal'], {
      ...base(),
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'key-123',
      TEMPORAL_GRPC_META_X_TEAM: 'data',
    });
    assert.equal(temporal.TEMPORAL_ADDRESS, 'ns.acct.tmprl.cloud:7233');
    assert.equal(temporal.TEMPORAL_NAMESPACE, 'ns.acct');
    assert.equal(temporal.connection.apiKey, 'key-123');
    assert.equal(temporal.connection.tls, true, 'an API key turns TLS on');
    assert.deepEqual(temporal.connection.metadata, { 'x-team': 'data' });
  });

  it('reads a profile of temporal.toml, with mTLS files, and lets the variables override it', function () {
    writeFileSync(path.join(dir, 'client.pem'), 'CERT');
    writeFileSync(path.join(dir, 'client.key'), 'KEY');
    writeFileSync(path.join(dir, 'ca.pem'), 'CA');
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(
      file,
      [
        '[profile.prod]',
        'address = "temporal.internal:7233"',
        'namespace = "exports"',
        '[profile.prod.tls]',
        `client_cert_path = "${path.join(dir, 'client.pem')}"`,
        `client_key_path = "${path.join(dir, 'client.key')}"`,
        `server_ca_cert_path = "${path.join(dir, 'ca.pem')}"`,
        'server_name = "temporal.internal"',
        '',
      ].join('\n'),
    );
    const env = { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' };
    const { temporal } = loadConfig(['temporal'], env);
    assert.equal(temporal.TEMPORAL_ADDRESS, 'temporal.internal:7233');
    assert.equal(temporal.TEMPORAL_NAMESPACE, 'exports');
    const tls = temporal.connection.tls as { clientCertPair: { crt: Buffer; key: Buffer }; serverNameOverride: string };
    assert.equal(tls.clientCertPair.crt.toString(), 'CERT');
    assert.equal(tls.clientCertPair.key.toString(), 'KEY');
    assert.equal(tls.serverNameOverride, 'temporal.internal');
    const overridden = loadConfig(['temporal'], { ...env, TEMPORAL_NAMESPACE: 'exports-staging' });
    assert.equal(overridden.temporal.TEMPORAL_NAMESPACE, 'exports-staging');
  });

  it('reads the TLS file variables, and names the problem when a file is missing', function () {
    writeFileSync(path.join(dir, 'ca.pem'), 'CA');
    const { temporal } = loadConfig(['temporal'], {
      ...base(),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
    });
    assert.equal(
      (temporal.connection.tls as { serverRootCACertificate: Buffer }).serverRootCACertificate.toString(),
      'CA',
    );
    assert.throws(
      () =>
        loadConfig(['temporal'], {
          ...base(),
          TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'nope.pem'),
          TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'nope.key'),
        }),
      (err: unknown) => err instanceof ConfigError && /Temporal connection.*nope/s.test(err.message),
    );
  });

  it('reports a profile that does not exist', function () {
    const file = path.join(dir, 'temporal.toml');
    writeFileSync(file, '[profile.default]\naddress = "a:1"\n');
    assert.throws(
      () => loadConfig(['temporal'], { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'missing' }),
      (err: unknown) => err instanceof ConfigError && /missing/.test(err.message),
    );
  });
});
