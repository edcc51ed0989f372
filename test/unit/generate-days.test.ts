import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { callWindow } from '../../tools/generate/days';

describe('synthetic calls: callWindow', () => {
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
