import assert from 'node:assert/strict';
import { datesWithoutTime, nominalRangeForDays, scheduledDay } from '../../lib/days/schedule-day';

describe('the scheduled day', () => {
  it('is the day before the local date of the scheduled time', () => {
    assert.equal(scheduledDay(new Date('2024-03-11T02:00:00Z'), 'UTC'), '2024-03-10');
    assert.equal(scheduledDay(new Date('2024-03-11T06:00:00Z'), 'America/New_York'), '2024-03-10');
    // 01:00 UTC on the 11th is still the evening of the 10th in New York.
    assert.equal(scheduledDay(new Date('2024-03-11T01:00:00Z'), 'America/New_York'), '2024-03-09');
    assert.equal(scheduledDay(new Date('2024-01-01T02:00:00Z'), 'UTC'), '2023-12-31');
  });

  it('maps days to the scheduled times that export them', () => {
    const r = nominalRangeForDays('2024-03-09', '2024-03-10', 'America/New_York');
    assert.equal(r.start.toISOString(), '2024-03-10T05:00:00.000Z');
    assert.equal(r.end.toISOString(), '2024-03-12T03:59:59.000Z');
  });

  it('finds the dates on which the daily time falls in the hour clocks skip', () => {
    const from = new Date('2024-01-01T12:00:00Z');
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 0 }, 'America/New_York', from, 366), ['2024-03-10']);
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 30 }, 'Europe/Berlin', from, 366), ['2024-03-31']);
    assert.deepEqual(datesWithoutTime({ hour: 1, minute: 30 }, 'Europe/London', from, 366), ['2024-03-31']);
    assert.deepEqual(datesWithoutTime({ hour: 3, minute: 0 }, 'America/New_York', from, 366), []);
    assert.deepEqual(datesWithoutTime({ hour: 2, minute: 0 }, 'UTC', from, 366), []);
  });
});
