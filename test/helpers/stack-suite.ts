import { createConversationsTable, dropTable } from './conversations-table';
import { randomId } from './random';
import type { StackContext } from './stack-context';
import { startSuite, stopSuite, type SuiteServices } from './test-worker';

/** What a suite's tests use: the suite's worker and client, and the current table and S3 prefix. */
export interface StackSuite extends SuiteServices {
  table: string;
  prefix: string;
}

/**
 * Registers the hooks of a suite on the real stack: one worker and client for the suite, and a fresh table (the
 * customer's columns) and S3 prefix for each test, or once for the whole suite. Fields are set when the hooks run.
 */
export function useStackSuite(ctx: StackContext, fresh: 'per test' | 'per suite' = 'per test') {
  const suite = {} as StackSuite;
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const create = async () => {
    suite.table = await createConversationsTable(ctx.clickhouse, database);
    suite.prefix = randomId('test');
  };
  const drop = () => dropTable(ctx.clickhouse, database, suite.table);
  before(async () => {
    Object.assign(suite, await startSuite(ctx));
    if (fresh === 'per suite') await create();
  });
  if (fresh === 'per test') {
    beforeEach(create);
    afterEach(drop);
  }
  after(async () => {
    if (fresh === 'per suite' && suite.table) await drop();
    await stopSuite(suite);
    await ctx.clickhouse.close();
  });
  return suite;
}
