import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { callWindow } from '../../tools/generate/days';
import { rowSelection, selectedPerChunk } from '../../tools/generate/selection';
import { insertChunkSql, MAX_QUERY_BYTES } from '../../tools/generate/sql';
import { buildTextPool } from '../../tools/generate/text';

describe('synthetic calls (pure parts)', () => {
  describe('rowSelection', () => {
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

  describe('callWindow', () => {
    const hours = (w: { start: number; end: number }) => (w.end - w.start) / 3600;
    it('spans 23 hours on the spring DST day and 25 on the autumn one in New York', () => {
      const spring = callWindow('2024-03-10', 'America/New_York');
      assert.equal(spring.start, Date.parse('2024-03-10T05:00:00Z') / 1000);
      assert.equal(hours(spring), 23);
      assert.equal(hours(callWindow('2024-11-03', 'America/New_York')), 25);
      assert.equal(hours(callWindow('2024-03-10', 'UTC')), 24);
    });

    it('puts the busy hours at 08:00 to 20:00 local time, inside the day', () => {
      const w = callWindow('2024-11-03', 'America/New_York');
      const local = (s: number) => DateTime.fromSeconds(s, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm');
      assert.equal(local(w.busyStart), '2024-11-03 08:00');
      assert.equal(local(w.busyEnd), '2024-11-03 20:00');
    });
  });

  describe('text pool and SQL', () => {
    it('builds the same readable pool for the same seed and another for another seed', () => {
      const pool = buildTextPool(7);
      assert.deepEqual(buildTextPool(7), pool);
      assert.notDeepEqual(buildTextPool(8), pool);
      for (const d of pool.dialogues) {
        assert.match(d.text, /^Agent: Thank you for calling .+ Customer: .+ Agent: /);
        assert.ok(d.keywords.length >= 2 && d.sentiment >= -1 && d.sentiment <= 1);
      }
    });

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
});
