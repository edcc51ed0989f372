import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLED_COMMANDS } from '../../tools/build/command-bundles';
import { compiledPath, ensureBuilt } from '../helpers/build';
import { REPO_ROOT } from '../helpers/stack';

const LOADER = path.join(REPO_ROOT, 'bin', 'command-loader.js');

function run(args: readonly string[]) {
  return spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('the bundled commands and their code cache (bin/command-loader.js)', function () {
  this.timeout(180_000);
  let dir: string;

  before(function () {
    ensureBuilt();
    // Beside the real bundles: a bundle finds what it leaves outside (the AWS SDK) in the project's node_modules.
    dir = mkdtempSync(path.join(REPO_ROOT, 'dist', 'commands-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every bundled command the same help and argument checks as its compiled module', function () {
    for (const name of BUNDLED_COMMANDS) {
      const bundle = compiledPath(`commands/${name}.js`);
      assert.ok(statSync(`${bundle}.v8-cache`).size > 100_000, `${name}: the build warmed its code cache`);
      for (const args of [['--help'], ['--no-such-option']]) {
        const bundled = run([LOADER, bundle, ...args]);
        const compiled = run([compiledPath(`client/${name}.js`), ...args]);
        assert.equal(bundled.status, compiled.status, `${name} ${args.join(' ')}: ${bundled.stderr}`);
        assert.equal(bundled.stdout, compiled.stdout, `${name} ${args.join(' ')}`);
        assert.equal(bundled.stderr, compiled.stderr, `${name} ${args.join(' ')}`);
      }
    }
  });

  it('writes the cache on the first run, keeps an accepted one and replaces one V8 rejects', function () {
    const bundle = path.join(dir, 'status.js');
    copyFileSync(compiledPath('commands/status.js'), bundle);
    const cache = `${bundle}.v8-cache`;
    assert.equal(run([LOADER, bundle, '--help']).status, 0);
    const written = statSync(cache);
    assert.ok(written.size > 100_000);
    assert.equal(run([LOADER, bundle, '--help']).status, 0);
    assert.equal(statSync(cache).mtimeMs, written.mtimeMs, 'an accepted cache is not written again');
    writeFileSync(cache, 'not a V8 code cache');
    const after = run([LOADER, bundle, '--help']);
    assert.equal(after.status, 0, after.stderr);
    assert.match(after.stdout, /^Usage: agent-metrics status /);
    assert.ok(statSync(cache).size > 100_000, 'the rejected cache was replaced');
  });

  it('runs the command when the cache cannot be written, and leaves no partial file', function () {
    const bundle = path.join(dir, 'schedule.js');
    copyFileSync(compiledPath('commands/schedule.js'), bundle);
    // A directory where the cache file would go: it can be neither read nor replaced.
    mkdirSync(`${bundle}.v8-cache`);
    const r = run([LOADER, bundle, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: agent-metrics schedule /);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('schedule.js.v8-cache.')),
      [],
    );
  });
});
