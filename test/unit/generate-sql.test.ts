import assert from 'node:assert/strict';
import { callWindow } from '../../tools/generate/days';
import { rowSelection } from '../../tools/generate/selection';
import { insertChunkSql, MAX_QUERY_BYTES } from '../../tools/generate/sql';
import { buildTextPool } from '../../tools/generate/text';

describe('synthetic calls: chunk insert SQL', () => {
  it('keeps one chunk statement under max_query_size and refuses an empty chunk', () => {
    const spec = {
      database: 'db',
      table: 't',
      seed: 4294967295,
      day: callWindow('2024-11-03', 'America/New_York'),
      offset: 0,
      count: 1_000_000,
      selection: rowSelection(10_000_000, 0.005, 0.005, 'k'),
      agents: 10_000_000,
      customers: 5_000_000,
      negativeRate: 0.0001,
      pool: buildTextPool(4294967295),
    };
    assert.ok(Buffer.byteLength(insertChunkSql(spec)) < MAX_QUERY_BYTES);
    assert.throws(() => insertChunkSql({ ...spec, count: 0 }), RangeError);
  });
});
