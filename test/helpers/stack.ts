import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

/** The local stack's services, as `scripts/stack.sh stop|start` names them. */
export type StackService = 'temporal' | 'clickhouse' | 'minio';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const STACK_ENV_FILE = path.join(REPO_ROOT, '.stack', 'stack.env');

/** The KEY=VALUE lines of .stack/stack.env (empty when the stack was never brought up). */
export function readStackEnvFile(file = STACK_ENV_FILE): Record<string, string> {
  if (!existsSync(file)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) entries[match[1]] = match[2] ?? '';
  }
  return entries;
}

/** The stack's settings with process.env on top: what a test should hand to `loadConfig`. */
export function stackEnv(): Record<string, string> {
  const fromFile = readStackEnvFile();
  if (Object.keys(fromFile).length === 0) {
    throw new Error(`${STACK_ENV_FILE} is missing: run 'npm run stack:up' first`);
  }
  const fromProcess = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { ...fromFile, ...fromProcess };
}

function runStackScript(...args: string[]): void {
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'stack.sh'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`stack.sh ${args.join(' ')} failed (exit ${result.status ?? result.signal}): ${output}`);
  }
}

/** Stops one service of the local stack (its data stays); returns once the process is gone. */
export function stopService(name: StackService): void {
  runStackScript('stop', name);
}

/** Starts one service of the local stack again and resolves once it answers requests. */
export async function startService(name: StackService, timeoutMs = 90_000): Promise<void> {
  runStackScript('start', name);
  const env = stackEnv();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(name, env)) return;
    if (Date.now() > deadline) throw new Error(`${name} did not answer within ${timeoutMs} ms of starting`);
    await delay(250);
  }
}

async function answers(name: StackService, env: Record<string, string>): Promise<boolean> {
  try {
    switch (name) {
      case 'clickhouse': {
        const response = await fetch(`http://${env.CLICKHOUSE_HOST}:${env.CLICKHOUSE_PORT}/ping`);
        return response.ok;
      }
      case 'minio': {
        const response = await fetch(`${env.S3_ENDPOINT}/minio/health/ready`);
        return response.ok;
      }
      case 'temporal': {
        const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: 2_000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: env.TEMPORAL_NAMESPACE });
          return true;
        } finally {
          await connection.close();
        }
      }
    }
  } catch {
    return false;
  }
}
