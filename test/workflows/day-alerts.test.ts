import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { ExportActivities } from '../../activities';
import { createAlertActivities } from '../../activities/alerts';
import { alertsWorkflowId, DAY_REPORT_SIGNAL, type DayAlertsInput } from '../../common/alert-types';
import type { ExportDayInput } from '../../common/export-types';
import { FIXTURE_DATE, FIXTURE_MANIFEST, fixtureStats } from '../helpers/day-fixtures';
import type { DayFacts } from '../../common/late-reason';
import { deliveryDeadline } from '../../lib/alerts/deadline-time';
import type { Services } from '../../lib/services';
import { dayAlerts, exportDay } from '../../workflows';
import { STUB_TEMPLATE, uniqueExportName } from '../helpers/export-input';
import { useTimeSkipping } from '../helpers/time-skipping';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const DATE = FIXTURE_DATE;
const stats = fixtureStats;
const delivered = { state: 'verified' as const, detail: 'ok', manifest: FIXTURE_MANIFEST };

/** A day's run as stubs: no rows (it fails "no data for D" at once: the day ended long ago), or delivered already. */
function dayStubs(day: { rows: number }): Pick<ExportActivities, 'checkData' | 'findDelivery'> {
  return {
    checkData: async () => stats(day.rows),
    findDelivery: async () => delivered,
  };
}

describe('alerts (time-skipping server, real webhook POSTs to a local receiver)', function () {
  this.timeout(180_000);
  const suite = useTimeSkipping();
  let receiver: WebhookReceiver;

  afterEach(async () => receiver?.close());

  /**
   * A client that never unlocks time skipping: an alerts workflow waits for signals with no timer, and the test
   * server would skip to its default 10-year execution timeout while a time-skipping client awaits a result.
   */
  const client = () => new Client({ connection: suite.env.connection });

  /** The real alert activities posting to `receiver`, with the day's state at its deadline given by `facts`. */
  function alertActivities(facts: () => DayFacts) {
    const real = createAlertActivities({
      ...({} as Services),
      alerts: { webhookUrl: () => receiver.url, webUi: (id) => `http://ui.test/workflows/${id}` },
    });
    return { ...real, dayFacts: async () => facts() };
  }

  it('posts failed once through a receiver that answers 500 first, recovered on delivery, and failed again after', async () => {
    receiver = await startWebhookReceiver(randomBytes(8).toString('hex'), [500]);
    const day = { rows: 0 };
    const exportName = uniqueExportName();
    const { worker, taskQueue } = await suite.worker({
      ...dayStubs(day),
      ...alertActivities(() => assert.fail('no deadline here')),
    });
    const input: ExportDayInput = { ...STUB_TEMPLATE, exportName, date: DATE, force: false, trigger: 'manual' };
    const runDay = () =>
      client().workflow.execute(exportDay, { workflowId: `day-${randomUUID()}`, taskQueue, args: [input] });
    const alerts = () => client().workflow.getHandle(alertsWorkflowId(exportName, DATE));
    await worker.runUntil(async () => {
      await assert.rejects(runDay(), WorkflowFailedError);
      await receiver.until(1);
      // The same day fails again (a backfill retrying it): nothing changed, nothing is sent.
      await assert.rejects(runDay(), WorkflowFailedError);
      day.rows = 5;
      await runDay();
      assert.deepEqual(await alerts().result(), { sent: ['failed', 'recovered'] });
      day.rows = 0;
      await assert.rejects(runDay(), WorkflowFailedError);
      await receiver.until(3);
    });
    assert.deepEqual(
      receiver.received.map((b) => b.id),
      [
        `${exportName}/${DATE}/failed`,
        `${exportName}/${DATE}/failed`,
        `${exportName}/${DATE}/recovered`,
        `${exportName}/${DATE}/failed`,
      ],
      'the first POST was answered 500 and sent again; then one per change of state',
    );
    const [first] = receiver.accepted();
    assert.ok(first);
    assert.equal(first.event, 'failed');
    assert.equal(first.export, exportName);
    assert.equal(first.date, DATE);
    assert.match(first.reason, /^no data for 2024-03-10: 0 rows/);
    assert.equal(first.workflowId, `agent-metrics-${exportName}-${DATE}`);
    assert.equal(first.webUi, `http://ui.test/workflows/agent-metrics-${exportName}-${DATE}`);
    assert.ok(!Number.isNaN(Date.parse(first.at)));
    assert.match(first.text, new RegExp(`^agent-metrics ${exportName} ${DATE} failed: no data for`));
    assert.equal(receiver.accepted()[1]?.event, 'recovered');
  });

  it('posts late with "no data yet" once when the deadline passes, even if watched twice, then recovered', async () => {
    receiver = await startWebhookReceiver(randomBytes(8).toString('hex'));
    const exportName = uniqueExportName();
    const { worker, taskQueue } = await suite.worker(
      alertActivities(() => ({ delivered: false, run: 'running', sourceRows: 0, minRows: 1 })),
    );
    // Today's deadline (D+1 07:00 UTC) always lies ahead of the test server's clock at the start.
    const date = new Date().toISOString().slice(0, 10);
    const settings: DayAlertsInput = { ...STUB_TEMPLATE, exportName, date, deadline: '07:00' };
    const watch = () =>
      client().workflow.signalWithStart(dayAlerts, {
        workflowId: alertsWorkflowId(exportName, date),
        taskQueue,
        args: [settings],
        signal: DAY_REPORT_SIGNAL,
        signalArgs: [{ kind: 'watch' }],
      });
    await worker.runUntil(async () => {
      const handle = await watch();
      await watch();
      await suite.env.sleep(deliveryDeadline(date, 'UTC', '07:00').getTime() - Date.now() + 60_000);
      await watch();
      const [late] = await receiver.until(1);
      assert.equal(late?.id, `${exportName}/${date}/late`);
      assert.match(late?.reason ?? '', /^no data yet: 0 rows/);
      await handle.signal(DAY_REPORT_SIGNAL, { kind: 'delivered' });
      assert.deepEqual(await handle.result(), { sent: ['late', 'recovered'] });
    });
    assert.deepEqual(
      receiver.received.map((b) => b.event),
      ['late', 'recovered'],
    );
  });
});
