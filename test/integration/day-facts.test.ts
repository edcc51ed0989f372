import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, DeleteBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { dayFacts } from '../../activities/alerts/day-facts';
import { dayWindow } from '../../lib/days/day-window';
import { manifestKey } from '../../lib/s3/keys';
import { createConversationsTable, dropTable, insertCalls } from '../helpers/conversations-table';
import { uniqueExportName } from '../helpers/export-input';
import { stackContext } from '../helpers/stack-context';

const CUSTOMER = '22222222-2222-4222-8222-222222222222';
const OTHER = '33333333-3333-4333-8333-333333333333';

// What a day's alerts look at when its deadline passes (docs/contract.md §10): for an export of EXPORTS_FILE, its own
// bucket and only its customer's rows (docs/contract.md §11).
describe("a day's facts at its deadline, for an export with its own bucket and customer", function () {
  this.timeout(120_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const bucket = `facts-${randomUUID().slice(0, 8)}`;
  const prefix = `facts/${randomUUID()}`;
  const date = '2024-05-02';
  let table: string;
  let temporal: Client;

  before(async () => {
    table = await createConversationsTable(ctx.clickhouse, database);
    const w = dayWindow(date, 'UTC');
    const calls = (customerId: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        customerId,
        agentId: randomUUID(),
        start: w.startEpoch + i,
        duration: 5,
      }));
    await insertCalls(ctx.clickhouse, database, table, [...calls(CUSTOMER, 3), ...calls(OTHER, 7)]);
    await ctx.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey(prefix, date), Body: '{}' }));
    temporal = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  after(async () => {
    await ctx.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: manifestKey(prefix, date) })).catch(() => {});
    await ctx.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    await dropTable(ctx.clickhouse, database, table);
    await temporal?.connection.close();
    await ctx.clickhouse.close();
  });

  const input = (scope: { bucket?: string; customerId?: string }) => ({
    exportName: uniqueExportName(),
    date,
    timezone: 'UTC',
    table,
    prefix,
    minRows: 1,
    ...scope,
  });

  it("finds the day delivered in the export's bucket, not in the worker's", async () => {
    assert.equal((await dayFacts(ctx.deps, temporal, input({ bucket }), {})).delivered, true);
    assert.equal((await dayFacts(ctx.deps, temporal, input({}), {})).delivered, false);
  });

  it("counts only the export's customer's rows, and says no run started", async () => {
    const facts = await dayFacts(ctx.deps, temporal, input({ customerId: CUSTOMER }), {});
    assert.deepEqual([facts.delivered, facts.sourceRows, facts.run], [false, 3, 'none']);
    assert.equal((await dayFacts(ctx.deps, temporal, input({}), {})).sourceRows, 10);
  });
});
