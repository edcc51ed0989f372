import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { OutputFormat } from '../../common/output-format';

/** One row of a delivered file: `agent_id` and `date` as text, every other column as a number. */
export type MetricsFileRow = Readonly<Record<string, string | number>>;

export interface MetricsFile {
  /** The column names in file order (a JSON lines file without rows has none to show). */
  readonly columns: readonly string[];
  readonly rows: readonly MetricsFileRow[];
}

const TEXT_COLUMNS = new Set(['agent_id', 'date']);

/** Thrown when a stored file cannot be parsed as its format. */
export class MetricsFileError extends Error {
  override readonly name = 'MetricsFileError';
}

function typed(column: string, value: unknown): string | number {
  if (TEXT_COLUMNS.has(column)) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value);
  }
  if (value === '' || value === null || value === undefined) throw new MetricsFileError(`${column}: no value`);
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new MetricsFileError(`${column}: not a number: ${String(value)}`);
  return n;
}

function fromCsv(text: string): MetricsFile {
  if (!text.endsWith('\n')) throw new MetricsFileError('the CSV does not end with a line end');
  const parsed = Papa.parse<string[]>(text.slice(0, -1), { newline: '\n' });
  if (parsed.errors.length > 0) throw new MetricsFileError(`CSV: ${parsed.errors[0]!.message}`);
  const [header, ...lines] = parsed.data;
  const columns = header ?? [];
  const rows = lines.map((line, n) => {
    if (line.length !== columns.length) throw new MetricsFileError(`CSV line ${n + 2}: ${line.length} fields`);
    return Object.fromEntries(columns.map((c, i) => [c, typed(c, line[i])]));
  });
  return { columns, rows };
}

function fromJsonl(text: string): MetricsFile {
  if (text !== '' && !text.endsWith('\n')) throw new MetricsFileError('the JSON lines do not end with a line end');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  const rows = lines.map((line, n) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new MetricsFileError(`JSON line ${n + 1}: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null) throw new MetricsFileError(`JSON line ${n + 1}: not an object`);
    return Object.fromEntries(Object.entries(value).map(([c, v]) => [c, typed(c, v)]));
  });
  return { columns: Object.keys(rows[0] ?? {}), rows };
}

async function fromParquet(bytes: Uint8Array): Promise<MetricsFile> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const objects = await parquetReadObjects({ file, metadata });
  const rows = objects.map((o) => Object.fromEntries(columns.map((c) => [c, typed(c, o[c])])));
  return { columns, rows };
}

/**
 * The rows of a day's file as stored in `format` (docs/contract.md §9): gunzipped, parsed, numbers as numbers. For
 * verification and for readers of delivered files (a dashboard); throws MetricsFileError on a malformed file.
 */
export async function readMetricsFile(bytes: Uint8Array, format: OutputFormat): Promise<MetricsFile> {
  const plain = format.endsWith('.gz') ? gunzipSync(bytes) : bytes;
  if (format === 'parquet') return fromParquet(plain);
  const text = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf-8');
  return format.startsWith('csv') ? fromCsv(text) : fromJsonl(text);
}
