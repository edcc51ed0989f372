import ms, { type StringValue } from 'ms';

/**
 * Parses '30s', '10m', '6h', '3d' (or a number of milliseconds) into milliseconds; throws on anything else.
 * It uses `ms`, the parser Temporal's SDK applies to its own duration strings (the same pinned release), so a value
 * means here what it means in an activity or timer option.
 */
export function parseDuration(value: string | number): number {
  const millis = typeof value === 'number' ? value : parseText(value.trim());
  if (!Number.isFinite(millis) || millis < 0) throw new RangeError(`not a duration: ${String(value)}`);
  return millis;
}

function parseText(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  try {
    return ms(text as StringValue);
  } catch {
    return Number.NaN;
  }
}
