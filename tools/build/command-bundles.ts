import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * `npm run build`'s last step: the short-lived commands (export, status, backfill, schedule) each as one file in
 * dist/commands/, which bin/agent-metrics.js loads with a V8 code cache (bin/command-loader.js). A command then
 * starts in about two thirds of the CPU time it takes from dist/client/ — hundreds of modules resolved, read and
 * compiled one by one, the Temporal client's protobuf definitions the largest (README "Performance", fixed costs).
 * The export command leaves the AWS SDK outside (only `export --head` loads it); the others carry what they load. The worker and the dashboard are long-running and are not bundled.
 */
const ROOT = path.join(__dirname, '..', '..', '..');
export const BUNDLED_COMMANDS = ['export', 'status', 'backfill', 'schedule'] as const;

async function bundle(name: string): Promise<void> {
  const outfile = path.join(ROOT, 'dist', 'commands', `${name}.js`);
  await build({
    entryPoints: [path.join(ROOT, 'dist', 'client', `${name}.js`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: name === 'export' ? ['@aws-sdk/*', '@smithy/*'] : [],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The code cache is written by the first run: `--help` runs every module's top level (what the cache is for) and
  // exits before any connection.
  const warm = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'command-loader.js'), outfile, '--help'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (warm.status !== 0) throw new Error(`${name} --help from its bundle exited ${warm.status ?? warm.signal}`);
}

async function run(): Promise<void> {
  await Promise.all(BUNDLED_COMMANDS.map(bundle));
  process.stderr.write(`command bundles: dist/commands/{${BUNDLED_COMMANDS.join(',')}}.js\n`);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    process.stderr.write(`bundling the commands failed: ${String(err)}\n`);
    process.exit(1);
  });
}
