import assert from 'node:assert/strict';
import { dayWindow, localDate } from '../../lib/days/day-window';

describe('day windows', () => {
  it('spans 24 hours of UTC on an ordinary day', () => {
    const w = dayWindow('2024-01-15', 'UTC');
    assert.equal(w.startIso, '2024-01-15T00:00:00Z');
    assert.equal(w.endIso, '2024-01-16T00:00:00Z');
    assert.equal(w.endEpoch - w.startEpoch, 86_400);
    assert.equal(w.startEpoch, Date.UTC(2024, 0, 15) / 1000);
  });

  it('is 23 hours on the spring-forward day in New York', () => {
    const w = dayWindow('2024-03-10', 'America/New_York');
    assert.equal(w.startIso, '2024-03-10T05:00:00Z');
    assert.equal(w.endIso, '2024-03-11T04:00:00Z');
    assert.equal(w.hours, 23);
    assert.equal(w.endEpoch - w.startEpoch, 23 * 3600);
  });

  it('is 25 hours on the fall-back day in New York', () => {
    const w = dayWindow('2024-11-03', 'America/New_York');
    assert.equal(w.startIso, '2024-11-03T04:00:00Z');
    assert.equal(w.endIso, '2024-11-04T05:00:00Z');
    assert.equal(w.hours, 25);
  });

  it('follows a half-hour zone and the southern-hemisphere DST change', () => {
    assert.equal(dayWindow('2024-06-01', 'Asia/Kolkata').startIso, '2024-05-31T18:30:00Z');
    const sydney = dayWindow('2024-04-07', 'Australia/Sydney');
    assert.equal(sydney.hours, 25);
  });

  it('gives the local date of an instant', () => {
    assert.equal(localDate(new Date('2024-03-11T03:59:59Z'), 'America/New_York'), '2024-03-10');
    assert.equal(localDate(new Date('2024-03-11T04:00:00Z'), 'America/New_York'), '2024-03-11');
  });
});
