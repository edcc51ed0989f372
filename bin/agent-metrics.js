#!/usr/bin/env node
'use strict';
// agent-metrics: one command for the worker and every client task. Each subcommand is its own module in dist/, loaded
// alone (export, status, backfill and schedule from one bundled file each, with a V8 code cache). In a source checkout
// the build runs first when a source file is newer than the last build (one stat per source file: a few milliseconds).
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const COMMANDS = {
  export: ['dist/client/export.js', "export one day's file (TARGET_DATE or --date; yesterday by default)"],
  backfill: ['dist/client/backfill.js', 'export a date range durably on Temporal, with progress and a summary'],
  status: ['dist/client/status.js', "each day's state for a range: verified / stale / missing / failed / running"],
  schedule: ['dist/client/schedule.js', 'create, describe, pause, trigger or delete the daily Temporal Schedule'],
  worker: ['dist/worker/main.js', 'run a worker: hosts the workflows and activities on TEMPORAL_TASK_QUEUE'],
  dashboard: ['dist/client/dashboard.js', "a local read-only web page: days by state, agents' avg and p90 trends"],
  generate: ['dist/tools/generate/main.js', 'insert realistic test calls into the ClickHouse table'],
};
const SOURCES = ['common', 'workflows', 'activities', 'worker', 'client', 'lib', 'tools'];
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const STAMP = path.join(ROOT, 'dist', '.build-stamp');

function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: agent-metrics <command> [options]',
    '',
    'Daily per-agent call metrics from ClickHouse to S3, run as Temporal workflows.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, [, what]]) => `  ${name.padEnd(width)}  ${what}`),
    '',
    "Run 'agent-metrics <command> --help' for a command's options. Settings come from the environment and .env.",
    '',
  ].join('\n');
}

/** Newest modification time (ms) among the build's inputs, or 0 outside a source checkout. */
function newestSource() {
  let newest = 0;
  const visit = (file) => {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry));
    } else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const name of [...SOURCES, ...BUILD_INPUTS]) visit(path.join(ROOT, name));
  return newest;
}

/** Builds when dist/ is missing or older than a source file (only in a checkout that has the sources). */
function ensureBuilt() {
  if (!existsSync(path.join(ROOT, 'tsconfig.build.json'))) return;
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : -1;
  if (built >= newestSource()) return;
  process.stderr.write('agent-metrics: building (sources changed since the last build)...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write(`agent-metrics: the build failed (exit ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(usage());
  process.exit(name === undefined ? 2 : 0);
}
if (name === '--version' || name === '-V') {
  process.stdout.write(`${require(path.join(ROOT, 'package.json')).version}\n`);
  process.exit(0);
}
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`agent-metrics: unknown command '${name}'\n\n${usage()}`);
  process.exit(2);
}
ensureBuilt();
// The short-lived commands run from their one-file bundle with a code cache when the build made one
// (bin/command-loader.js); the worker, the dashboard and the generator run from dist/ as compiled.
const bundle = path.join(ROOT, 'dist', 'commands', `${name}.js`);
if (existsSync(bundle)) {
  require('./command-loader').runBundle(bundle, rest);
} else {
  const modulePath = path.join(ROOT, command[0]);
  process.argv = [process.argv[0], modulePath, ...rest];
  require(modulePath);
}
