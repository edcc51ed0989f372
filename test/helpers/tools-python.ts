import { spawn } from 'node:child_process';
import path from 'node:path';
import { toolsDir } from './temporal-binaries';

/**
 * Runs `script` (a file beside this one) with the tools venv's Python (scripts/test.sh installs what it imports),
 * writes `input` to its stdin and parses its stdout as JSON. `what` names the reader in errors and `installs` the
 * package the venv must hold.
 */
export function runToolsPython<T>(
  script: string,
  input: Uint8Array | string,
  what: string,
  installs: string,
): Promise<T> {
  const python = path.join(toolsDir(), 'venv', 'bin', 'python');
  const child = spawn(python, [path.join(__dirname, script)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.end(typeof input === 'string' ? input : Buffer.from(input));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`${python}: ${e.message} (scripts/test.sh installs ${installs})`)));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${what} exited with ${code}: ${Buffer.concat(err).toString()}`));
      else resolve(JSON.parse(Buffer.concat(out).toString()) as T);
    });
  });
}
