import assert from 'node:assert/strict';
import { buildTextPool } from '../../tools/generate/text';

describe('synthetic calls: text pool', () => {
  it('builds the same readable pool for the same seed and another for another seed', () => {
    const pool = buildTextPool(7);
    assert.deepEqual(buildTextPool(7), pool);
    assert.notDeepEqual(buildTextPool(8), pool);
    for (const d of pool.dialogues) {
      assert.match(d.text, /^Agent: Thank you for calling .+ Customer: .+ Agent: /);
      assert.ok(d.keywords.length >= 2 && d.sentiment >= -1 && d.sentiment <= 1);
    }
  });
});
