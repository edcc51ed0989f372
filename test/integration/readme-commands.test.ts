import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../helpers/build';
import { REPO_ROOT } from '../helpers/stack';

const COMMANDS = new Set(['export', 'backfill', 'status', 'schedule', 'worker', 'generate', 'dashboard']);
const DOCS = ['README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).map((f) => path.join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);
/** Placeholders the docs use for values, and a value of the right shape for each. */
const PLACEHOLDERS: Record<string, string> = {
  D: '2024-03-10',
  D1: '2024-03-01',
  D2: '2024-03-10',
  '…': '2024-03-10',
  N: '100',
  M: '10',
  S: '7',
  TZ: 'UTC',
};

/** Words of a shell command line, honouring "double" and 'single' quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/**
 * Every agent-metrics command line the docs show: in code blocks (with or without a `$ ` prompt, comments dropped)
 * and in inline code, with optional `[…]` parts left out, `a\|b` alternatives expanded and placeholders filled in.
 */
function documentedCommands(): { where: string; line: string }[] {
  const found: { where: string; line: string }[] = [];
  for (const file of DOCS) {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    let inBlock = false;
    for (const raw of text.split('\n')) {
      if (raw.trimStart().startsWith('```')) {
        inBlock = !inBlock;
        continue;
      }
      const candidates = inBlock
        ? [raw.replace(/^\s*\$ /, '').replace(/\s+#.*$/, '')]
        : [...raw.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      for (const candidate of candidates) {
        const line = candidate.trim();
        if (!/^(npx agent-metrics|npm run [a-z:]+)( |$)/.test(line)) continue;
        // In running text a bare `npm run backfill` names the command; a command line has arguments.
        if (!inBlock && /^npm run \w+$/.test(line) && COMMANDS.has(line.split(' ')[2]!)) continue;
        const alternatives = /^(.*?)(\w+(?:\\\|\w+)+)(.*)$/.exec(line);
        const lines = alternatives
          ? alternatives[2]!.split('\\|').map((alt) => `${alternatives[1]}${alt}${alternatives[3]}`)
          : [line];
        for (const l of lines) found.push({ where: file, line: l });
      }
    }
  }
  return found;
}

describe("the docs' command lines", function () {
  this.timeout(300_000);
  const scripts = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: object })
    .scripts;
  before(() => ensureBuilt());

  it('parse: each agent-metrics command line is accepted as written (--help level: nothing runs)', function () {
    const commands = documentedCommands();
    assert.ok(commands.length >= 20, `found ${commands.length} command lines`);
    const failures: string[] = [];
    const seen = new Set<string>();
    for (const { where, line } of commands) {
      const withoutOptional = line.replace(/\s*\[[^\]]*\]/g, '');
      let argv = words(withoutOptional);
      if (argv[0] === 'npm') {
        const script = argv[2]!;
        if (!(script in scripts)) failures.push(`${where}: ${line}: package.json has no script '${script}'`);
        if (!COMMANDS.has(script)) continue;
        argv = [script, ...argv.slice(argv[3] === '--' ? 4 : 3)];
      } else {
        argv = argv.slice(2);
      }
      argv = argv.map((w) => PLACEHOLDERS[w] ?? w);
      if (argv.some((w) => w.startsWith('<')) || seen.has(argv.join(' '))) continue;
      seen.add(argv.join(' '));
      const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'agent-metrics.js'), ...argv], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, AGENT_METRICS_PARSE_ONLY: '1' },
        timeout: 60_000,
      });
      if (run.status !== 0) failures.push(`${where}: ${line} → exit ${run.status}: ${run.stderr.trim()}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(seen.size >= 15, `checked ${seen.size} distinct command lines`);
  });

  it('catches a command line the CLI would refuse', function () {
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'agent-metrics.js'), 'backfill', '--from', '2024-03-01', '--frobnicate'],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, AGENT_METRICS_PARSE_ONLY: '1' } },
    );
    assert.equal(run.status, 2, run.stderr);
  });
});
