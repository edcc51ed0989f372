import { spawn } from 'node:child_process';
import path from 'node:path';
import { toolsDir } from './temporal-binaries';

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
  const python = path.join(toolsDir(), 'venv', 'bin', 'python');
  const child = spawn(python, [path.join(__dirname, 'chdb_run.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.end(JSON.stringify({ statements, queries }));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`${python}: ${e.message} (scripts/test.sh installs chdb-core)`)));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`current ClickHouse (chdb) exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      resolve(JSON.parse(Buffer.concat(out).toString()) as CurrentClickHouseRun);
    });
  });
}
