import Papa from 'papaparse';
import type { MetricColumn } from '../common/metric-columns';
import { formatScaled } from './metric-values';

/** How a day's CSV is stored: its Content-Type in S3. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export const CSV_COLUMNS = ['agent_id', 'avg_call_length_sec', 'p90_call_length_sec', 'total_calls', 'date'] as const;

/** One agent's metrics with lengths in hundredths of a second, so no float rounding happens in Node. */
export interface AgentMetricsRow {
  readonly agentId: string;
  readonly calls: number;
  readonly avgCents: number;
  readonly p90Cents: number;
  /** The optional columns' values (docs/contract.md §9), in the order asked for, as ClickHouse scaled them. */
  readonly extra?: readonly number[];
}

/** Plain decimal with at most two decimals and no trailing zeros (docs/contract.md §4): 243700 -> '2437', 131650 -> '1316.5'. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** One agent's row as the file's texts, in column order: the CSV's fields, and what other formats convert from. */
export function rowTexts(r: AgentMetricsRow, date: string, columns: readonly MetricColumn[]): string[] {
  return [
    r.agentId,
    formatCents(r.avgCents),
    formatCents(r.p90Cents),
    String(r.calls),
    date,
    ...columns.map((c, i) => formatScaled(c, r.extra?.[i])),
  ];
}

const UNPARSE: Papa.UnparseConfig = { newline: '\n', quotes: false, header: false };

export function csvHeader(columns: readonly MetricColumn[] = []): string {
  return Papa.unparse([[...CSV_COLUMNS, ...columns]], UNPARSE) + '\n';
}

/** CSV lines (each ending in \n) for a batch of agents of day `date`, with the optional `columns` after the five. */
export function csvLines(
  rows: readonly AgentMetricsRow[],
  date: string,
  columns: readonly MetricColumn[] = [],
): string {
  if (rows.length === 0) return '';
  const data = rows.map((r) => rowTexts(r, date, columns));
  return Papa.unparse(data, UNPARSE) + '\n';
}

/** Agents formatted per papaparse call: large enough to be cheap, small enough to stream a 50,000-agent day. */
const ROWS_PER_BATCH = 2_000;

/**
 * Writes a day's CSV through `write` as its rows arrive: the header first (also for a day without agents), then the
 * rows in batches. `end()` flushes and returns the number of agent rows.
 */
export function csvWriter(write: (text: string) => Promise<void>, date: string, columns: readonly MetricColumn[] = []) {
  let batch: AgentMetricsRow[] = [];
  let rows = 0;
  let started = false;
  const flush = async (): Promise<void> => {
    if (!started) await write(csvHeader(columns));
    started = true;
    await write(csvLines(batch, date, columns));
    rows += batch.length;
    batch = [];
  };
  return {
    async add(row: AgentMetricsRow): Promise<void> {
      batch.push(row);
      if (batch.length === ROWS_PER_BATCH) await flush();
    },
    async end(): Promise<number> {
      await flush();
      return rows;
    },
    get rows(): number {
      return rows + batch.length;
    },
  };
}
