import assert from 'node:assert/strict';
import { dayRange } from '../../common/calendar';
import { daySlots, dayIndexSql } from '../../lib/clickhouse/day-slots';
import { dayWindow } from '../../lib/days/day-window';

/** The day (1-based, 0 = none) the slot formula gives an instant, evaluated in JS as ClickHouse evaluates it. */
function slotDay(s: ReturnType<typeof daySlots>, t: number): number {
  return s.slots[Math.floor((t - s.startEpoch) / s.slotSeconds)] ?? 0;
}

/** The day an instant belongs to, straight from luxon's day windows: the reference. */
function windowDay(days: readonly string[], tz: string, t: number): number {
  const i = days.findIndex((d) => {
    const w = dayWindow(d, tz);
    return t >= w.startEpoch && t < w.endEpoch;
  });
  return i + 1;
}

describe('batch day slots', () => {
  it('uses whole days in UTC', () => {
    const s = daySlots(['2024-03-09', '2024-03-10', '2024-03-11'], 'UTC');
    assert.equal(s.slotSeconds, 86_400);
    assert.deepEqual(s.slots, [1, 2, 3]);
  });

  it('cuts hours across a DST change and gives each day its 23 or 25 hours', () => {
    const spring = daySlots(['2024-03-09', '2024-03-10', '2024-03-11'], 'America/New_York');
    assert.equal(spring.slotSeconds, 3_600);
    assert.deepEqual(
      [1, 2, 3].map((d) => spring.slots.filter((x) => x === d).length),
      [24, 23, 24],
    );
    const fall = daySlots(['2024-11-02', '2024-11-03'], 'America/New_York');
    assert.deepEqual(
      [1, 2].map((d) => fall.slots.filter((x) => x === d).length),
      [24, 25],
    );
  });

  it('marks the days of the span that are not in the batch with 0', () => {
    const s = daySlots(['2024-01-01', '2024-01-03', '2024-01-06'], 'UTC');
    assert.deepEqual(s.slots, [1, 0, 2, 0, 0, 3]);
  });

  for (const tz of ['UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London']) {
    it(`puts every instant in the same day as the day windows do (${tz})`, () => {
      const days = dayRange('2024-03-28', '2024-04-10').filter((_, i) => i % 3 !== 1);
      const s = daySlots(days, tz);
      assert.ok(s.slots.length > 0);
      for (let t = s.startEpoch; t < s.endEpoch; t += 599)
        assert.equal(slotDay(s, t), windowDay(days, tz, t), `at ${t}`);
    });
  }

  it('falls back to range tests when the day lengths share no useful divisor', () => {
    // 1883-11-18 in New York: local mean time ended at noon, so that day lasted 24 h 3 min 58 s.
    const s = daySlots(['1883-11-17', '1883-11-18', '1883-11-19'], 'America/New_York');
    assert.equal(s.slots.length, 0);
    assert.match(dayIndexSql(s), /^multiIf\(/);
  });

  it('refuses days out of order', () => {
    assert.throws(() => daySlots(['2024-01-02', '2024-01-01'], 'UTC'), RangeError);
  });
});
