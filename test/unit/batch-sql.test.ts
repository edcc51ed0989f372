import assert from 'node:assert/strict';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots } from '../../lib/clickhouse/day-slots';

describe('batch SQL', () => {
  const slots = daySlots(['2024-03-09', '2024-03-10'], 'UTC');

  it('groups duplicates by day and conversation and sorts by day, then agent text', () => {
    const batch = batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Answered']);
    assert.ok(batch.includes("call_status IN ('Answered')"));
    assert.match(batch, /GROUP BY k HAVING count\(\) > 1/);
    assert.match(batch, /argMaxIf\(tuple\(agent_id, call_duration_sec, call_status\), tuple\(updated_at, .*\), dup\)/);
    assert.match(batch, /GROUP BY day, conversation, group_agent\n/);
    assert.match(batch, /ORDER BY day, agent_id$/);
  });

  it('tests "duplicated?" with GLOBAL IN for a Distributed table, with IN otherwise', () => {
    const distributed = batchAgentMetricsSql({ database: 'db', table: 't', slots, distributed: true }, ['Answered']);
    const local = batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Answered']);
    assert.match(distributed, / GLOBAL IN \(SELECT k FROM/);
    assert.doesNotMatch(local, /GLOBAL/);
    assert.equal(distributed.replace(' GLOBAL IN (SELECT k', ' IN (SELECT k'), local);
  });

  it('refuses an unknown status and a bad table name', () => {
    assert.throws(() => batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Nope' as never]), RangeError);
    assert.throws(() => batchWindowStatsSql({ database: 'db', table: 't; DROP', slots }), RangeError);
  });
});
