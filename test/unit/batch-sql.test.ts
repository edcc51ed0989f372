import assert from 'node:assert/strict';
import { batchAgentMetricsSql, batchWindowStatsSql } from '../../lib/clickhouse/batch-sql';
import { daySlots } from '../../lib/clickhouse/day-slots';

describe('batch SQL', () => {
  const slots = daySlots(['2024-03-09', '2024-03-10'], 'UTC');

  it('groups duplicates by day and conversation and sorts by day, then agent text', () => {
    const batch = batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Answered']);
    assert.ok(batch.includes("call_status IN ('Answered')"));
    assert.equal(
      batch.match(/ IN \(SELECT arrayJoin\(arrayFilter\(\(x, n\) -> n > 1, ks, arrayEnumerateUniq\(ks\)\)\) FROM /g)
        ?.length,
      1,
    );
    assert.match(
      batch,
      /argMaxIf\(tuple\(agent, .*\), tuple\(tupleElement\(e, 3\), .*, agent\), tupleElement\(e, 1\)\)/,
    );
    // Several days: grouped by one 64-bit key per (agent, day), the day exact in its top 16 bits, and a check that
    // fails the query when two agents share a key.
    assert.match(batch, / != 0\n +GROUP BY group_key\n/);
    assert.match(
      batch,
      /bitOr\(bitShiftLeft\(toUInt64\(arrayElement\(.*\), 48\), bitShiftRight\(cityHash64\(reinterpretAsFixedString\(agent_id\)\), 16\)\) AS group_key/,
    );
    assert.match(
      batch,
      /bitShiftRight\(group_key, 48\) \+ throwIf\(uniqUpTo\(1\)\(.*\) > 1 OR uniqUpTo\(1\)\(.*reverse.*\) > 1\) AS day/,
    );
    // The per-agent GROUP BY is in the SELECT that reads the table: on a Distributed table the shards run it.
    assert.match(batch, /\n +FROM [^\n(]*\n +WHERE [^\n]*\n +GROUP BY group_key\n/);
    const oneDay = batchAgentMetricsSql({ database: 'db', table: 't', slots: daySlots(['2024-03-09'], 'UTC') }, [
      'Answered',
    ]);
    assert.match(oneDay, /\n +FROM [^\n(]*\n +WHERE [^\n]*\n +GROUP BY agent\n/);
    assert.doesNotMatch(oneDay, /group_key|throwIf/);
    assert.match(batch, /GROUP BY day, conversation, group_agent\n/);
    assert.match(batch, /ORDER BY day, agent_id$/);
  });

  it('tests "duplicated?" with GLOBAL IN for a Distributed table, with IN otherwise', () => {
    const distributed = batchAgentMetricsSql({ database: 'db', table: 't', slots, distributed: true }, ['Answered']);
    const local = batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Answered']);
    assert.match(distributed, / GLOBAL IN \(SELECT arrayJoin/);
    assert.doesNotMatch(local, /GLOBAL/);
    assert.equal(distributed.replace(' GLOBAL IN (SELECT', ' IN (SELECT'), local);
  });

  it('groups the rows of a batch of one day by agent alone', () => {
    const one = batchAgentMetricsSql({ database: 'db', table: 't', slots: daySlots(['2024-03-09'], 'UTC') }, [
      'Answered',
    ]);
    assert.match(one, /toUInt8\(1\) AS day,/);
    assert.match(one, /\n +GROUP BY agent\n/);
    assert.doesNotMatch(one, /GROUP BY day, agent\n +\)/);
  });

  it('refuses an unknown status and a bad table name', () => {
    assert.throws(() => batchAgentMetricsSql({ database: 'db', table: 't', slots }, ['Nope' as never]), RangeError);
    assert.throws(() => batchWindowStatsSql({ database: 'db', table: 't; DROP', slots }), RangeError);
  });
});
