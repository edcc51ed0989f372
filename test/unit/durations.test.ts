import assert from 'node:assert/strict';
import { parseDuration } from '../../lib/durations';

describe('parseDuration', function () {
  it('reads the units Temporal reads, and plain milliseconds', function () {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration(' 6h '), 21_600_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('3d'), 259_200_000);
    assert.equal(parseDuration('1500'), 1_500);
    assert.equal(parseDuration(250), 250);
  });

  it('refuses text that is not a duration, and negative ones', function () {
    for (const bad of ['', 'bogus', '10 parsecs', '-5m', 'h', Number.NaN, -1]) {
      assert.throws(() => parseDuration(bad), RangeError, String(bad));
    }
  });
});
