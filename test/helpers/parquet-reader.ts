import { spawn } from 'node:child_process';
import path from 'node:path';
import { toolsDir } from './temporal-binaries';

export interface PyArrowRead {
  /** Each column's name and Arrow type, as PyArrow reports it (`string`, `double`, `int64`, `date32[day]`). */
  readonly schema: readonly [string, string][];
  readonly rows: readonly Record<string, unknown>[];
}

/** Reads Parquet bytes with PyArrow in the tools venv (scripts/test.sh installs it): a reader independent of ours. */
export function readWithPyArrow(bytes: Uint8Array): Promise<PyArrowRead> {
  const python = path.join(toolsDir(), 'venv', 'bin', 'python');
  const child = spawn(python, [path.join(__dirname, 'parquet_read.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.end(Buffer.from(bytes));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`${python}: ${e.message} (scripts/test.sh installs pyarrow)`)));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`pyarrow exited with ${code}: ${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString()) as PyArrowRead);
    });
  });
}
