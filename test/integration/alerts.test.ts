import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startExportDay } from '../../client/start-export';
import { alertsWorkflowId, DAY_REPORT_SIGNAL, type DayAlertsInput } from '../../common/alert-types';
import { dayWorkflowId } from '../../common/workflow-ids';
import { dayWindow } from '../../lib/days/day-window';
import { workflowUiUrl } from '../../lib/temporal-connection';
import { createConversationsTable, dropTable, insertCalls } from '../helpers/conversations-table';
import { daysAgo, pollEvery, testInput, uniqueExportName, waitEndingIn } from '../helpers/export-input';
import { randomId, randomPastDay } from '../helpers/random';
import { installQuietRuntime } from '../helpers/runtime';
import { stackContext } from '../helpers/stack-context';
import { startWorker } from '../helpers/test-worker';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

describe('alerts on the real stack: a local webhook receiver', function () {
  this.timeout(180_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
  let bundle: WorkflowBundleWithSourceMap;
  let client: Client;
  let table: string;
  let receiver: WebhookReceiver;
  const token = randomBytes(12).toString('hex');

  before(async () => {
    installQuietRuntime();
    bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN'),
    });
    client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
    table = await createConversationsTable(ctx.clickhouse, database);
  });

  afterEach(async () => receiver?.close());

  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  /** A worker whose alerts go to `receiver`; `dueInMs` moves every deadline that close to now. */
  function worker(dueInMs?: number) {
    const alerts = {
      webhookUrl: () => receiver.url,
      webUi: (id: string) => workflowUiUrl(ctx.config.temporal, id),
    };
    return startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, bundle, { ...ctx.deps, alerts }, () =>
      dueInMs === undefined ? {} : { dayDeadline: async () => Date.now() + dueInMs },
    );
  }

  /** Every event of every run of `workflowIds`, as JSON: what an operator (or an attacker) can read in history. */
  async function histories(workflowIds: string[]): Promise<string> {
    const out: string[] = [];
    for (const id of workflowIds) {
      for await (const w of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
        out.push(JSON.stringify(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()));
      }
    }
    return out.join('\n');
  }

  it('posts failed once (a 500 first), nothing for the same failure again, recovered once delivered', async () => {
    receiver = await startWebhookReceiver(token, [500]);
    const exportName = uniqueExportName();
    const date = randomPastDay();
    const prefix = randomId('alerts');
    const w = await worker();
    try {
      const run = () => startExportDay(client, w.taskQueue, testInput(date, table, prefix, { exportName }));
      await assert.rejects((await run()).result(), WorkflowFailedError);
      await assert.rejects((await run()).result(), WorkflowFailedError);
      const day = dayWindow(date, 'UTC');
      await insertCalls(ctx.clickhouse, database, table, [
        { agentId: randomUUID(), start: day.startEpoch + 60, duration: 42 },
      ]);
      assert.equal((await (await run()).result()).result, 'exported');
      const result = await client.workflow.getHandle(alertsWorkflowId(exportName, date)).result();
      assert.deepEqual(result, { sent: ['failed', 'recovered'] });
    } finally {
      await w.stop();
    }
    assert.deepEqual(
      receiver.received.map((b) => b.id),
      [`${exportName}/${date}/failed`, `${exportName}/${date}/failed`, `${exportName}/${date}/recovered`],
      'one failed (sent twice: the receiver answered 500 first), then recovered',
    );
    const [failed, recovered] = receiver.accepted();
    assert.match(failed?.reason ?? '', new RegExp(`^no data for ${date}: 0 rows`));
    assert.equal(failed?.workflowId, dayWorkflowId(exportName, date));
    assert.equal(failed?.webUi, workflowUiUrl(ctx.config.temporal, dayWorkflowId(exportName, date)));
    assert.equal(recovered?.event, 'recovered');
    const history = await histories([dayWorkflowId(exportName, date), alertsWorkflowId(exportName, date)]);
    assert.ok(history.includes('sendAlert'), 'the histories were read');
    assert.ok(!history.includes(token), 'the webhook URL is in no workflow history');
  });

  it('posts late at the deadline: "not started" for a day without a run, "no data yet" for one waiting', async () => {
    receiver = await startWebhookReceiver(token);
    const exportName = uniqueExportName();
    const prefix = randomId('alerts');
    const [waiting, never] = [daysAgo(1), daysAgo(2)];
    const w = await worker(3_000);
    try {
      const waitMs = waitEndingIn(waiting, 120_000);
      const waitingRun = await startExportDay(
        client,
        w.taskQueue,
        testInput(waiting, table, prefix, { exportName, waitTimeoutMs: waitMs, pollIntervalMs: pollEvery(waitMs) }),
      );
      for (const date of [waiting, never]) {
        const settings: DayAlertsInput = {
          exportName,
          date,
          timezone: 'UTC',
          table,
          prefix,
          minRows: 1,
          deadline: '07:00',
        };
        await client.workflow.signalWithStart('dayAlerts', {
          workflowId: alertsWorkflowId(exportName, date),
          taskQueue: w.taskQueue,
          args: [settings],
          signal: DAY_REPORT_SIGNAL,
          signalArgs: [{ kind: 'watch' }],
        });
      }
      const late = await receiver.until(2);
      const reasons = Object.fromEntries(late.map((b) => [b.date, `${b.event}: ${b.reason}`]));
      assert.match(reasons[never] ?? '', /^late: not started/);
      assert.match(reasons[waiting] ?? '', /^late: no data yet: 0 rows/);
      // The waiting run gives up; its data arrives and a new run delivers the day: recovered.
      await waitingRun.terminate('test: the data comes later');
      const day = dayWindow(waiting, 'UTC');
      await insertCalls(ctx.clickhouse, database, table, [
        { agentId: randomUUID(), start: day.startEpoch + 60, duration: 7 },
      ]);
      const again = await startExportDay(client, w.taskQueue, testInput(waiting, table, prefix, { exportName }));
      assert.equal((await again.result()).result, 'exported');
      assert.deepEqual(await client.workflow.getHandle(alertsWorkflowId(exportName, waiting)).result(), {
        sent: ['late', 'recovered'],
      });
      await client.workflow.getHandle(alertsWorkflowId(exportName, never)).terminate('test over');
    } finally {
      await w.stop();
    }
    assert.deepEqual(receiver.received.map((b) => b.event).sort(), ['late', 'late', 'recovered']);
  });
});
