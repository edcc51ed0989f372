import assert from 'node:assert/strict';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import { customerFilterSql } from '../../lib/clickhouse/customer-filter';
import { daySlots, spanFilterSql } from '../../lib/clickhouse/day-slots';
import { agentMetricsSql, windowStatsSql } from '../../lib/clickhouse/metrics-sql';
import { conflictMessage, runSettings, settingDifferences } from '../../common/run-settings';
import { exportDayProblems } from '../../common/validate-input';
import { testInput } from '../helpers/export-input';

const ACME = '0f8fad5b-d9cb-469f-a165-70867728950e';
const FILTER = `customer_id = toUUID('${ACME}') AND call_start >= `;

describe('customer filter (CUSTOMER_ID, customer_id)', () => {
  it('filters on the sort key first in the span every query of a day starts from', () => {
    const slots = daySlots(['2024-03-10'], 'UTC', ACME.toUpperCase());
    assert.ok(spanFilterSql(slots).startsWith(FILTER));
    const source = { database: 'db', table: 't', slots };
    // Every WHERE of the batch queries carries it: none of them reads another customer's rows.
    for (const sql of [batchWindowStatsSql(source), batchAgentMetricsSql(source, ['Answered'])]) {
      const wheres = sql.match(/WHERE [^\n]*?call_start >= /g) ?? [];
      assert.ok(wheres.length > 0);
      for (const where of wheres) assert.ok(where.includes(FILTER), where);
    }
    const w = { database: 'db', table: 't', startEpoch: 0, endEpoch: 86_400, customerId: ACME };
    for (const sql of [windowStatsSql(w), agentMetricsSql(w, ['Answered'])]) {
      const wheres = sql.match(/WHERE [^\n]*?call_start >= /g) ?? [];
      assert.ok(wheres.length > 0);
      for (const where of wheres) assert.ok(where.includes(FILTER), where);
    }
  });

  it('leaves the SQL of an export of the whole table as it was', () => {
    assert.equal(customerFilterSql(undefined), '');
    assert.ok(
      !batchWindowStatsSql({ database: 'db', table: 't', slots: daySlots(['2024-03-10'], 'UTC') }).includes(
        'customer_id =',
      ),
    );
  });

  it('refuses a customer id that is not a UUID before it reaches SQL', () => {
    assert.throws(() => customerFilterSql("x' OR 1=1 --"), RangeError);
  });

  it('checks the bucket and customer of a run input, and compares them between two starts', () => {
    assert.deepEqual(
      exportDayProblems(testInput('2024-03-10', 't', 'p', { bucket: 'acme-metrics', customerId: ACME })),
      [],
    );
    assert.deepEqual(
      exportDayProblems(testInput('2024-03-10', 't', 'p', { bucket: 'No_Bucket', customerId: 'acme' })).map(
        (p) => p.split(':')[0],
      ),
      ['bucket', 'customerId'],
    );
    const base = testInput('2024-03-10', 't', 'p');
    // Runs recorded before the fields existed hold neither: the same as a start that leaves them unset.
    assert.deepEqual(settingDifferences(runSettings(base), runSettings(base)), []);
    assert.deepEqual(settingDifferences(runSettings(base), runSettings({ ...base, bucket: 'b2b', customerId: ACME })), [
      "bucket (S3_BUCKET_NAME): running unset, this start 'b2b'",
      `customer (CUSTOMER_ID): running unset, this start '${ACME}'`,
    ]);
    assert.match(conflictMessage('w', 'r', ['x']), /x\. Wait/);
  });
});
