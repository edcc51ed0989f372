import type { CallRow } from './conversations-table';

/**
 * An independent reference for docs/contract.md §3, written from its text, not from the product's SQL:
 * floats and a plain sort, the R7 formula as the spec states it, Math.round for 2 decimals.
 */
export function percentile90(values: readonly number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  if (n === 1) return x[0]!;
  const h = 0.9 * (n - 1);
  const lo = Math.floor(h);
  const next = x[Math.min(lo + 1, n - 1)]!;
  return x[lo]! + (h - lo) * (next - x[lo]!);
}

function twoDecimals(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The mean rounded half up on its exact value: sum * 100 is an exact integer, so only one rounding happens. */
function meanTwoDecimals(values: readonly number[]): string {
  const sum = values.reduce((s, d) => s + d, 0);
  return String(Math.round((sum * 100) / values.length) / 100);
}

/** The CSV's data rows (without header) that docs/contract.md §3–§4 asks for, for the rows of one window. */
export function referenceCsvRows(
  rows: readonly CallRow[],
  window: { start: number; end: number },
  statuses: readonly string[],
  date: string,
): string[][] {
  const latest = new Map<string, CallRow>();
  rows.forEach((row, index) => {
    if (row.start < window.start || row.start >= window.end) return;
    const id = row.conversationId ?? `row-${index}`;
    const seen = latest.get(id);
    if (!seen || (row.updatedAt ?? 0) > (seen.updatedAt ?? 0)) latest.set(id, row);
  });
  const byAgent = new Map<string, number[]>();
  for (const row of latest.values()) {
    if (!statuses.includes(row.status ?? 'Answered') || row.duration < 0) continue;
    byAgent.set(row.agentId, [...(byAgent.get(row.agentId) ?? []), row.duration]);
  }
  return [...byAgent.entries()]
    .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))
    .map(([agent, durations]) => [
      agent.toLowerCase(),
      meanTwoDecimals(durations),
      twoDecimals(percentile90(durations)),
      String(durations.length),
      date,
    ]);
}
