import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compiledPath } from './build';
import { REPO_ROOT } from './stack';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /**
   * 'source' (the default) runs client/<name>.ts through ts-node; 'compiled' runs what bin/agent-metrics.js runs (the
   * npm scripts): the command's bundle with its code cache (dist/commands/<name>.js) for the bundled commands, else
   * dist/client/<name>.js (call `ensureBuilt()` first).
   */
  readonly build?: 'source' | 'compiled';
  /** Kill the process (SIGKILL) if it is still running after this long. */
  readonly timeoutMs?: number;
}

/** What bin/agent-metrics.js runs for command `name` after its build check. */
function compiledEntry(name: string): string[] {
  const bundle = compiledPath(path.join('commands', `${name}.js`));
  return existsSync(bundle)
    ? [path.join(REPO_ROOT, 'bin', 'command-loader.js'), bundle]
    : [compiledPath(path.join('client', `${name}.js`))];
}

/** A CLI entry point (client/<name>) run as its own process, the way an operator runs it (no TTY). */
export function spawnCli(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: CliOptions = {},
): ChildProcess {
  const entry =
    options.build === 'compiled'
      ? compiledEntry(name)
      : ['-r', 'ts-node/register/transpile-only', path.join('client', `${name}.ts`)];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (options.timeoutMs !== undefined) {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('close', () => clearTimeout(timer));
  }
  return child;
}

/** Collects a process's output and exit code. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a CLI entry point to its exit (see `spawnCli`). */
export function runCli(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: CliOptions = {},
): Promise<CliResult> {
  return finished(spawnCli(name, args, env, options));
}

/** Resolves once the process has printed `pattern` on `stream` (stdout, or stderr where progress goes). */
export function printed(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 60_000,
  stream: 'stdout' | 'stderr' = 'stdout',
): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; got: ${out}`)), timeoutMs);
    child[stream]?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
}
