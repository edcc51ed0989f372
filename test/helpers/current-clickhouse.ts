import { runToolsPython } from './tools-python';

export interface CurrentClickHouseRun {
  readonly version: string;
  /** Each query's rows, as JSONEachRow gives them. */
  readonly results: readonly Record<string, unknown>[][];
}

/**
 * Runs SQL on current ClickHouse embedded in a Python process (PyPI chdb-core, which scripts/test.sh installs in the tools venv): `statements` in order,
 * then `queries`. Nothing is shared with the stack's ClickHouse 18.16; each run starts from an empty database.
 */
export function runOnCurrentClickHouse(
  statements: readonly string[],
  queries: readonly string[],
): Promise<CurrentClickHouseRun> {
  return runToolsPython<CurrentClickHouseRun>(
    'chdb_run.py',
    JSON.stringify({ statements, queries }),
    'current ClickHouse (chdb)',
    'chdb-core',
  );
}
