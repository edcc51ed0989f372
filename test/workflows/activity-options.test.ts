import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Context, type Info } from '@temporalio/activity';
import { queryBudgetSeconds } from '../../activities/watched-query';
import type { ExportDayInput } from '../../common/export-types';
import { exportDay } from '../../workflows';
import { STUB_TEMPLATE } from '../helpers/export-input';
import { useTimeSkipping } from '../helpers/time-skipping';

const DATE = '2024-03-10';

describe('activity options of a day run (time-skipping server)', function () {
  this.timeout(180_000);
  const suite = useTimeSkipping();

  it('gives checkData a heartbeat timeout and room for a large table, and its queries a limit below it', async () => {
    const seen: Partial<Record<string, Info>> = {};
    const stubs = {
      checkData: async () => {
        seen.checkData = Context.current().info;
        return { date: DATE, timezone: 'UTC', startEpoch: 0, endEpoch: 0, startIso: '', endIso: '', hours: 24 };
      },
      findDelivery: async () => {
        seen.findDelivery = Context.current().info;
        return { state: 'verified', detail: 'ok', manifest: { csvUri: 's3://b/k.csv' } };
      },
    };
    const { worker, taskQueue } = await suite.worker(stubs);
    const input: ExportDayInput = { ...STUB_TEMPLATE, date: DATE, force: false, trigger: 'manual' };
    await worker
      .runUntil(
        suite.env.client.workflow.execute(exportDay, { workflowId: `t-${randomUUID()}`, taskQueue, args: [input] }),
      )
      .catch(() => undefined);
    const check = seen.checkData;
    assert.ok(check, 'checkData ran');
    assert.equal(check.heartbeatTimeoutMs, 60_000, 'a stuck scan is noticed within a minute');
    assert.ok(check.startToCloseTimeoutMs >= 30 * 60_000, 'a scan of a large table has time to finish');
    const budgetMs = queryBudgetSeconds(check.startToCloseTimeoutMs)! * 1000;
    assert.ok(budgetMs < check.startToCloseTimeoutMs, 'ClickHouse stops the query before the activity times out');
    assert.ok(seen.findDelivery, 'findDelivery ran');
    assert.equal(seen.findDelivery.startToCloseTimeoutMs, 60_000, 'findDelivery reads two S3 objects: quick');
  });
});
