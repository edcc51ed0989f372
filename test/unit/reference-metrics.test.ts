import assert from 'node:assert/strict';
import { percentile90 } from '../helpers/reference-metrics';

// The test reference itself is checked against values worked out by hand (numpy.percentile(x, 90) gives the same).
describe('the test reference percentile', () => {
  it('matches hand-computed R7 values', () => {
    assert.equal(percentile90([42]), 42);
    assert.equal(percentile90([10, 20]), 19);
    assert.equal(percentile90([60, 60, 60, 60, 60]), 60);
    assert.equal(Math.round(percentile90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) * 100) / 100, 9.1);
    assert.equal(Math.round(percentile90([3, 1, 2]) * 100) / 100, 2.8);
  });
});
