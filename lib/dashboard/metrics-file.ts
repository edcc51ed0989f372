import Papa from 'papaparse';
import { CSV_COLUMNS } from '../csv-format';

/** One agent's row of a delivered day file, as numbers (docs/contract.md §4). */
export interface DeliveredRow {
  readonly agentId: string;
  readonly avg: number;
  readonly p90: number;
  readonly calls: number;
}

/** Thrown when a delivered file does not hold the columns of docs/contract.md §4. */
export class MetricsFileError extends Error {
  override readonly name = 'MetricsFileError';
}

/**
 * The rows of a delivered day file. The one place that knows the stored format: today `csv`; another format adds
 * its branch here.
 */
export function parseDeliveredFile(body: Buffer, format: 'csv'): DeliveredRow[] {
  if (format !== 'csv') throw new MetricsFileError(`unknown file format '${String(format)}'`);
  const parsed = Papa.parse<string[]>(body.toString('utf8'), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header || CSV_COLUMNS.some((c, i) => header[i] !== c)) {
    throw new MetricsFileError(`the header is not ${CSV_COLUMNS.join(',')}: ${header?.join(',') ?? '(empty)'}`);
  }
  return rows.map((r, i) => {
    const [agentId, avg, p90, calls] = r;
    const row = { agentId: agentId ?? '', avg: Number(avg), p90: Number(p90), calls: Number(calls) };
    if (r.slice(0, 4).some((v) => v === '') || [row.avg, row.p90, row.calls].some((n) => !Number.isFinite(n))) {
      throw new MetricsFileError(`line ${i + 2} is not an agent's metrics: ${r.join(',')}`);
    }
    return row;
  });
}
