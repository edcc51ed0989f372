import { msToNumber } from '@temporalio/common/lib/time';

/** Parses '30s', '10m', '6h', '3d' (or a number of milliseconds) into milliseconds; throws on anything else. */
export function parseDuration(value: string | number): number {
  const ms = typeof value === 'number' ? value : msToNumber(value.trim() as Parameters<typeof msToNumber>[0]);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a duration: ${String(value)}`);
  return ms;
}
