import { spawn, type ChildProcess } from 'node:child_process';
import { compiledPath } from './build';
import { REPO_ROOT } from './stack';

/** A worker process (dist/worker/main.js) started with `env`; `stop()` sends SIGTERM and waits for it to exit. */
export async function spawnWorker(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [compiledPath('worker/main.js')], {
    cwd: REPO_ROOT,
    env: { METRICS_ADDRESS: 'off', ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 60_000);
    const check = () => {
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
