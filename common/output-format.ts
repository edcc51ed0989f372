/** The stored formats of a day's file (docs/contract.md §9); the key ends in `.<format>`. */
export const OUTPUT_FORMATS = ['csv', 'csv.gz', 'jsonl', 'jsonl.gz', 'parquet'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format when none is given: the CSV of docs/contract.md §4. */
export const DEFAULT_FORMAT: OutputFormat = 'csv';

export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(value);
}
