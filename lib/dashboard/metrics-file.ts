import type { OutputFormat } from '../../common/output-format';
import { CSV_COLUMNS } from '../csv-format';
import { MetricsFileError, readMetricsFile } from '../file-formats/read-metrics-file';

export { MetricsFileError };

/** One agent's row of a delivered day file, as numbers (docs/contract.md §4). */
export interface DeliveredRow {
  readonly agentId: string;
  readonly avg: number;
  readonly p90: number;
  readonly calls: number;
}

/**
 * The agents' rows of a delivered day file in any stored format (docs/contract.md §9), through the reader that
 * verification uses: the file must start with the five required columns; optional columns after them are ignored.
 */
export async function parseDeliveredFile(body: Uint8Array, format: OutputFormat): Promise<DeliveredRow[]> {
  const file = await readMetricsFile(body, format);
  // A JSON lines file without rows names no columns; any other file must start with the five.
  if ((format.startsWith('jsonl') ? file.rows.length > 0 : true) && CSV_COLUMNS.some((c, i) => file.columns[i] !== c)) {
    throw new MetricsFileError(`the header is not ${CSV_COLUMNS.join(',')}: ${file.columns.join(',') || '(empty)'}`);
  }
  return file.rows.map((r, i) => {
    const [agentId, avg, p90, calls] = CSV_COLUMNS.slice(0, 4).map((c) => r[c]);
    if (typeof agentId !== 'string' || agentId === '' || [avg, p90, calls].some((n) => typeof n !== 'number')) {
      throw new MetricsFileError(`row ${i + 1} is not an agent's metrics: ${JSON.stringify(r)}`);
    }
    return { agentId, avg: avg as number, p90: p90 as number, calls: calls as number };
  });
}
