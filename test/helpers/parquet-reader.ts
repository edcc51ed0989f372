import { runToolsPython } from './tools-python';

export interface PyArrowRead {
  /** Each column's name and Arrow type, as PyArrow reports it (`string`, `double`, `int64`, `date32[day]`). */
  readonly schema: readonly [string, string][];
  readonly rows: readonly Record<string, unknown>[];
}

/** Reads Parquet bytes with PyArrow in the tools venv (scripts/test.sh installs it): a reader independent of ours. */
export function readWithPyArrow(bytes: Uint8Array): Promise<PyArrowRead> {
  return runToolsPython<PyArrowRead>('parquet_read.py', bytes, 'pyarrow', 'pyarrow');
}
