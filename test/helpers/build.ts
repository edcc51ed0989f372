import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './stack';

let built = false;

/**
 * Compiles the entry points once per test process (incremental, so fast when dist is current), then bundles the
 * short-lived commands as `npm run build` does (dist/commands/, tools/build/command-bundles.ts), so the tests run
 * the commands the way bin/agent-metrics.js does.
 */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  execFileSync(process.execPath, [compiledPath('tools/build/command-bundles.js')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  built = true;
}

/** The compiled file of a source path under dist/ (e.g. 'worker/main.js'); run `ensureBuilt()` first. */
export function compiledPath(file: string): string {
  return path.join(REPO_ROOT, 'dist', file);
}
