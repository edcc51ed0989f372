import { COLUMN_KINDS, type MetricColumn } from '../common/metric-columns';

/**
 * An optional column's value as the file's decimal text (docs/contract.md §4 and §9): ClickHouse returns it as a
 * whole number of 1/10^decimals units, so this only places the point, as formatCents does for the lengths.
 * 12345 with 4 decimals -> '1.2345', 5000 -> '0.5', -50 -> '-0.005'.
 */
export function formatScaled(column: MetricColumn, scaled: number | undefined): string {
  if (scaled === undefined || !Number.isSafeInteger(scaled)) {
    throw new RangeError(`${column}: not a whole number of units: ${String(scaled)}`);
  }
  const { decimals } = COLUMN_KINDS[column];
  if (decimals === 0) return String(scaled);
  const sign = scaled < 0 ? '-' : '';
  const digits = String(Math.abs(scaled)).padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const frac = digits.slice(-decimals).replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** The scaled values of `columns` from a metrics query row, where each column is named as in the file. */
export function extraValues(columns: readonly MetricColumn[], row: Readonly<Record<string, unknown>>): number[] {
  return columns.map((c) => Number(row[c]));
}
