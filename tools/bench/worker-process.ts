import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Peak resident set size of a process in KiB (VmHWM), read from /proc. */
function peakRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
}

/** The worker's V8 flags, as `npm run worker` and the image run it (package.json, Dockerfile). */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=1', '--heap-growing-percent=20'];

/** The worker's glibc malloc settings, as `npm run worker` and the image set them (package.json, Dockerfile). */
export const WORKER_MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * Starts dist/worker/main.js (or another build's `main`), its metrics endpoint off unless `metricsAddress` is given;
 * `stop()` reads its peak RSS (KiB), sends SIGTERM and waits for the exit.
 */
export async function spawnBenchWorker(
  env: NodeJS.ProcessEnv,
  options: { main?: string; metricsAddress?: string } = {},
): Promise<{ pid: number; stop: () => Promise<number> }> {
  const main = options.main ?? path.join(__dirname, '..', '..', 'worker', 'main.js');
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, main], {
    env: { ...env, ...WORKER_MALLOC_ENV, METRICS_ADDRESS: options.metricsAddress ?? 'off', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s: ${log}`)), 60_000);
    child.stderr.on('data', () => {
      if (!log.includes('worker started')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${log}`)));
  });
  return {
    pid: child.pid!,
    stop: async () => {
      const peak = peakRssKiB(child.pid!);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return peak;
    },
  };
}
