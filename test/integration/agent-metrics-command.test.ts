import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/stack';

const SUBCOMMANDS = ['export', 'backfill', 'status', 'schedule', 'worker', 'generate'];

function agentMetrics(...args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'agent-metrics.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the agent-metrics command', function () {
  this.timeout(120_000);

  it('lists its subcommands on --help (exit 0) and without arguments (exit 2)', function () {
    const help = agentMetrics('--help');
    assert.equal(help.status, 0, help.stderr);
    for (const name of SUBCOMMANDS) assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    const bare = agentMetrics();
    assert.equal(bare.status, 2);
    assert.match(bare.stdout, /^Usage: agent-metrics <command>/);
  });

  it("gives each subcommand's own help, without connecting to anything", function () {
    for (const name of SUBCOMMANDS) {
      const help = agentMetrics(name, '--help');
      assert.equal(help.status, 0, `${name} --help: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: agent-metrics ${name} `), name);
    }
  });

  it('refuses an unknown command or a stray argument with exit 2', function () {
    const unknown = agentMetrics('exprot');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'exprot'/);
    const stray = agentMetrics('worker', 'extra');
    assert.equal(stray.status, 2);
    assert.match(stray.stderr, /too many arguments/);
  });

  it('prints the version from package.json', function () {
    const version = agentMetrics('--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
