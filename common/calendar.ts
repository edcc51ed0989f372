/** Calendar-day arithmetic on `YYYY-MM-DD` strings in workflow code: plain UTC dates, no time zones, no I/O. */
const DAY_MS = 86_400_000;

export function nextDay(date: string, days = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The days from `from` to `to`, both included. */
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) out.push(d);
  return out;
}
