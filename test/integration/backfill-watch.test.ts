import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startBackfill, watchBackfill } from '../../client/start-backfill';
import { failureText } from '../../common/failure-text';
import { STUB_TEMPLATE } from '../helpers/export-input';
import { stackContext } from '../helpers/stack-context';

describe('following a backfill', function () {
  this.timeout(90_000);
  const ctx = stackContext();
  let client: Client;

  before(async () => {
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  after(async () => {
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  it('reports a progress query that fails instead of swallowing it', async () => {
    // No worker polls this queue: the backfill never runs a workflow task, so no query can be answered (the server
    // gives up on each after 30 s).
    const queue = `test-${randomUUID()}`;
    const { handle } = await startBackfill(client, queue, {
      from: '2001-01-01',
      to: '2001-01-02',
      concurrency: 1,
      force: false,
      only: 'all',
      chunkDays: 31,
      template: { ...STUB_TEMPLATE, exportName: `t-${randomUUID().slice(0, 8)}` },
    });
    const errors: { text: string; inARow: number }[] = [];
    let reported: () => void = () => undefined;
    const firstReport = new Promise<void>((resolve) => (reported = resolve));
    const watching = watchBackfill(
      handle,
      () => undefined,
      200,
      (err, inARow) => {
        errors.push({ text: failureText(err), inARow });
        reported();
      },
    );
    watching.catch(() => undefined);
    try {
      await Promise.race([firstReport, new Promise((resolve) => setTimeout(resolve, 45_000))]);
    } finally {
      await handle.terminate('test done');
    }
    await assert.rejects(watching);
    assert.ok(errors.length > 0, 'a failing progress query was reported');
    assert.equal(errors[0]!.inARow, 1);
    assert.match(errors[0]!.text, /query/i);
  });
});
