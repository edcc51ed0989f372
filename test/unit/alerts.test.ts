import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configuredExports } from '../../lib/exports/configured-exports';
import { alertId, alertsWorkflowId, dayAlertsInput } from '../../common/alert-types';
import { lateReason, type DayFacts } from '../../common/late-reason';
import { dayAlertsProblems, exportDayProblems } from '../../common/validate-input';
import { deliveryDeadline } from '../../lib/alerts/deadline-time';
import { alertWebhookUrl } from '../../lib/alerts/webhook-url';
import { webhookBody } from '../../lib/alerts/webhook-body';
import { loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { STUB_TEMPLATE } from '../helpers/export-input';

const facts = (f: Partial<DayFacts>): DayFacts => ({
  delivered: false,
  run: 'running',
  sourceRows: 0,
  minRows: 1,
  ...f,
});

describe('alerts: ids, bodies, deadlines, reasons', () => {
  it('names an event <export>/<D>/<event> and a day alerts workflow beside the day run', () => {
    assert.equal(alertId('default', '2024-03-10', 'late'), 'default/2024-03-10/late');
    assert.equal(alertsWorkflowId('eu', '2024-03-10'), 'agent-metrics-eu-2024-03-10-alerts');
  });

  it('builds a body with every contract field and one Slack line in text', () => {
    const body = webhookBody({
      exportName: 'default',
      date: '2024-03-10',
      event: 'failed',
      reason: 'no data for 2024-03-10:\n0 rows',
      workflowId: 'agent-metrics-default-2024-03-10',
      webUi: 'http://ui/namespaces/default/workflows/agent-metrics-default-2024-03-10',
      at: '2024-03-11T02:05:00.000Z',
    });
    assert.deepEqual(Object.keys(body), [
      'id',
      'event',
      'export',
      'date',
      'reason',
      'workflowId',
      'webUi',
      'at',
      'text',
    ]);
    assert.equal(body.id, 'default/2024-03-10/failed');
    assert.equal(body.reason, 'no data for 2024-03-10: 0 rows');
    assert.doesNotMatch(body.text, /\n/);
    assert.equal(
      body.text,
      'agent-metrics default 2024-03-10 failed: no data for 2024-03-10: 0 rows ' +
        '(http://ui/namespaces/default/workflows/agent-metrics-default-2024-03-10)',
    );
  });

  it('places the deadline on D+1 local time, across a clock change', () => {
    assert.equal(deliveryDeadline('2024-03-10', 'UTC', '07:00').toISOString(), '2024-03-11T07:00:00.000Z');
    // New York: D+1 = 2024-03-10 is the spring-forward day (EDT from 03:00, UTC-4).
    assert.equal(deliveryDeadline('2024-03-09', 'America/New_York', '07:00').toISOString(), '2024-03-10T11:00:00.000Z');
    assert.equal(deliveryDeadline('2024-03-08', 'America/New_York', '07:00').toISOString(), '2024-03-09T12:00:00.000Z');
  });

  it('gives the late reason the contract names: not started, failing with the error, no data yet', () => {
    assert.match(lateReason(facts({ run: 'none' })), /^not started/);
    assert.equal(lateReason(facts({}), 'no data for D'), 'failing: no data for D');
    assert.equal(
      lateReason(facts({ problem: 'checkData retrying: connect ECONNREFUSED' })),
      'failing: checkData retrying: connect ECONNREFUSED',
    );
    assert.match(lateReason(facts({ sourceRows: 3, minRows: 10 })), /^no data yet: 3 rows .*MIN_ROWS=10/);
    assert.match(lateReason(facts({ sourceRows: 30 })), /^not verified yet/);
  });

  it('reads ALERT_WEBHOOK_URL through one lookup by export, and DELIVERY_DEADLINE as HH:MM', () => {
    const c = loadConfig(['worker', 'export'], {
      ALERT_WEBHOOK_URL: 'https://hooks.example/T000/B000/s3cr3t',
      DELIVERY_DEADLINE: '07:30',
    });
    assert.equal(alertWebhookUrl(c, 'default'), 'https://hooks.example/T000/B000/s3cr3t');
    assert.equal(c.export.DELIVERY_DEADLINE, '07:30');
    assert.equal(alertWebhookUrl(loadConfig(['worker'], {}), 'default'), undefined);
    assert.equal(loadConfig(['export'], {}).export.DELIVERY_DEADLINE, undefined);
  });

  it("carries the export's bucket and customer to its day's alerts, which look there", () => {
    const t = { exportName: 'acme', date: '2024-05-02', timezone: 'UTC', table: 't', prefix: 'p', minRows: 1 };
    const customerId = '22222222-2222-4222-8222-222222222222';
    assert.deepEqual(dayAlertsInput({ ...t, bucket: 'acme-metrics', customerId }), {
      ...t,
      bucket: 'acme-metrics',
      customerId,
    });
    assert.deepEqual(dayAlertsInput(t), t);
    assert.deepEqual(dayAlertsProblems({ ...t, bucket: 'Bad_Bucket' }).length, 1);
  });

  it("gives each export of EXPORTS_FILE its own webhook, the environment's to the others", () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    const file = join(dir, 'agent-metrics.yaml');
    writeFileSync(
      file,
      'exports:\n  - name: acme\n    webhook: https://hooks.example/acme\n  - name: globex\n  - name: quiet\n    webhook: ""\n',
    );
    const env = { EXPORTS_FILE: file, ALERT_WEBHOOK_URL: 'https://hooks.example/all' };
    const exports = configuredExports(env);
    const c = loadConfig(['worker'], env);
    assert.equal(alertWebhookUrl(c, 'acme', exports), 'https://hooks.example/acme');
    assert.equal(alertWebhookUrl(c, 'globex', exports), 'https://hooks.example/all');
    assert.equal(alertWebhookUrl(c, 'started-elsewhere', exports), 'https://hooks.example/all');
    assert.equal(alertWebhookUrl(c, 'quiet', exports), undefined, 'an empty webhook turns its alerts off');
  });

  it('refuses a bad webhook URL without echoing it, and a deadline that is not HH:MM', () => {
    const secret = 'hooks.example/T000/s3cr3t';
    assert.throws(
      () => loadConfig(['worker', 'export'], { ALERT_WEBHOOK_URL: `ftp://${secret}`, DELIVERY_DEADLINE: '7am' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 2, err.message);
        assert.match(err.message, /ALERT_WEBHOOK_URL: expected an http\(s\) URL/);
        assert.match(err.message, /DELIVERY_DEADLINE: expected a local time of day as HH:MM.*got '7am'/);
        assert.doesNotMatch(err.message, /s3cr3t/);
        return true;
      },
    );
  });

  it('validates a deadline in workflow inputs', () => {
    const day = { ...STUB_TEMPLATE, date: '2024-03-10', force: false, trigger: 'manual' };
    assert.deepEqual(exportDayProblems({ ...day, deadline: '07:00' }), []);
    assert.deepEqual(exportDayProblems({ ...day, deadline: '24:00' }), [
      "deadline: expected a local time of day as HH:MM (such as 07:00), got '24:00'",
    ]);
    assert.deepEqual(dayAlertsProblems({ ...STUB_TEMPLATE, date: '2024-03-10', deadline: '7:00' }).length, 1);
    assert.deepEqual(dayAlertsProblems({ ...STUB_TEMPLATE, date: '2024-03-10' }), []);
  });
});
