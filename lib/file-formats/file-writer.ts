import type { MetricColumn } from '../../common/metric-columns';
import type { OutputFormat } from '../../common/output-format';
import { CSV_CONTENT_TYPE, csvWriter, type AgentMetricsRow } from '../csv-format';
import { gzipped } from './gzip-stream';
import { jsonlLines } from './jsonl';
import { parquetCollector } from './parquet-file';

/** How each format is stored: its Content-Type in S3. */
export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  csv: CSV_CONTENT_TYPE,
  'csv.gz': 'application/gzip',
  jsonl: 'application/x-ndjson',
  'jsonl.gz': 'application/gzip',
  parquet: 'application/vnd.apache.parquet',
};

/** What a day's file writer offers, whatever the format: rows in, the count of agent rows out. */
export interface FileWriter {
  add(row: AgentMetricsRow): Promise<void>;
  end(): Promise<number>;
  readonly rows: number;
}

/** Agents turned to JSON lines per write. */
const JSONL_BATCH = 2_000;

function jsonlWriter(write: (text: string) => Promise<void>, date: string, columns: readonly MetricColumn[]) {
  let batch: AgentMetricsRow[] = [];
  let rows = 0;
  const flush = async () => {
    await write(jsonlLines(batch, date, columns));
    rows += batch.length;
    batch = [];
  };
  return {
    async add(row: AgentMetricsRow) {
      batch.push(row);
      if (batch.length === JSONL_BATCH) await flush();
    },
    async end() {
      await flush();
      return rows;
    },
    get rows() {
      return rows + batch.length;
    },
  };
}

/** A text writer whose text is gzipped on its way to `write`. */
function gzipWriter(
  write: (chunk: Uint8Array) => Promise<void>,
  inner: (text: (t: string) => Promise<void>) => FileWriter,
): FileWriter {
  const gz = gzipped(write);
  const w = inner((t) => gz.write(t));
  return {
    add: (row) => w.add(row),
    async end() {
      const rows = await w.end();
      await gz.end();
      return rows;
    },
    get rows() {
      return w.rows;
    },
  };
}

/**
 * The writer of a day's file in `format` (docs/contract.md §9), sending what it produces to `write` as it goes:
 * CSV (papaparse, §4) and JSON lines stream; gzip wraps them; Parquet collects the day's rows and writes the file at
 * `end()` (a day's rows are small: 50,000 agents make a few MB).
 */
export function fileWriter(
  format: OutputFormat,
  write: (chunk: string | Uint8Array) => Promise<void>,
  date: string,
  columns: readonly MetricColumn[] = [],
): FileWriter {
  switch (format) {
    case 'csv':
      return csvWriter(write, date, columns);
    case 'csv.gz':
      return gzipWriter(write, (text) => csvWriter(text, date, columns));
    case 'jsonl':
      return jsonlWriter(write, date, columns);
    case 'jsonl.gz':
      return gzipWriter(write, (text) => jsonlWriter(text, date, columns));
    case 'parquet': {
      const file = parquetCollector(date, columns);
      let rows = 0;
      return {
        add(row) {
          file.add(row);
          rows += 1;
          return Promise.resolve();
        },
        async end() {
          await write(await file.bytes());
          return rows;
        },
        get rows() {
          return rows;
        },
      };
    }
  }
}

/** What a written file records of its format: nothing for the default CSV of the five columns. */
export function formatFields(
  format: OutputFormat,
  columns: readonly MetricColumn[],
): { format?: OutputFormat; columns?: readonly MetricColumn[] } {
  return { ...(format !== 'csv' ? { format } : {}), ...(columns.length > 0 ? { columns } : {}) };
}
