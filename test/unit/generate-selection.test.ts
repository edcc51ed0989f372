import assert from 'node:assert/strict';
import { rowSelection, selectedPerChunk } from '../../tools/generate/selection';

describe('synthetic calls: rowSelection', () => {
  for (const [calls, chunk] of [
    [1, 1],
    [7, 3],
    [1000, 64],
    [12_345, 1000],
    [100_000, 30_000],
  ] as const) {
    it(`picks exactly round(rate * calls) duplicates and updates among ${calls} calls, counted per chunk of ${chunk}`, () => {
      const sel = rowSelection(calls, 0.05, 0.03, `seed/${calls}`);
      assert.equal(sel.duplicates, Math.round(calls * 0.05));
      assert.equal(sel.updates, Math.round(calls * 0.03));
      // Reference: evaluate the rank of every row the way the SQL does, and bucket by chunk.
      const expected = Array.from({ length: Math.ceil(calls / chunk) }, () => ({ duplicates: 0, updates: 0 }));
      const ranks = new Set<number>();
      for (let n = 0; n < calls; n += 1) {
        const rank = Number((BigInt(n) * BigInt(sel.multiplier) + BigInt(sel.shift)) % BigInt(calls));
        ranks.add(rank);
        if (rank < sel.duplicates) expected[Math.floor(n / chunk)]!.duplicates += 1;
        else if (rank < sel.duplicates + sel.updates) expected[Math.floor(n / chunk)]!.updates += 1;
      }
      assert.equal(ranks.size, calls, 'the ranks are a permutation of the rows');
      assert.deepEqual(selectedPerChunk(sel, chunk), expected);
    });
  }

  it('moves the chosen rows with the key and never picks more rows than there are', () => {
    assert.notEqual(
      rowSelection(1000, 0.01, 0.01, '1/2024-03-10').shift,
      rowSelection(1000, 0.01, 0.01, '2/2024-03-10').shift,
    );
    const all = rowSelection(10, 0.8, 0.8, 'k');
    assert.equal(all.duplicates + all.updates, 10);
  });
});
