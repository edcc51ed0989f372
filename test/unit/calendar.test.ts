import assert from 'node:assert/strict';
import { addDays, dayRange, parseDay } from '../../common/calendar';

describe('calendar days', () => {
  it('refuses dates that do not exist or are malformed', () => {
    assert.throws(() => parseDay('2024-02-30'), /not a calendar date/);
    assert.throws(() => parseDay('2023-02-29'), /not a calendar date/);
    assert.throws(() => parseDay('2024-2-3'), /YYYY-MM-DD/);
    assert.throws(() => parseDay('yesterday'), /YYYY-MM-DD/);
    assert.equal(parseDay('2024-02-29'), '2024-02-29');
  });

  it('lists every day of a range, both ends included, across month and year ends', () => {
    assert.deepEqual(dayRange('2023-12-30', '2024-01-02'), ['2023-12-30', '2023-12-31', '2024-01-01', '2024-01-02']);
    assert.deepEqual(dayRange('2024-01-02', '2024-01-01'), []);
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  });
});
