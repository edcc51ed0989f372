import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { dayWindow } from '../../lib/days/day-window';
import { ensureBuilt } from '../helpers/build';
import { runCli } from '../helpers/cli-process';
import { createConversationsTable, dropTable, insertCalls, type CallRow } from '../helpers/conversations-table';
import { freePort } from '../helpers/free-port';
import { startOtlpReceiver } from '../helpers/otlp-receiver';
import { randomId, randomPastDay } from '../helpers/random';
import { REPO_ROOT } from '../helpers/stack';
import { stackContext } from '../helpers/stack-context';
import { spawnWorker } from '../helpers/worker-process';

const RULES = path.join(REPO_ROOT, 'ops', 'prometheus', 'agent-metrics-rules.yml');
const RULES_TEST = path.join(REPO_ROOT, 'ops', 'prometheus', 'agent-metrics-rules.test.yml');
const DASHBOARD = path.join(REPO_ROOT, 'ops', 'grafana', 'agent-metrics-dashboard.json');

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(250);
  }
}

/** Debian's prometheus, on a free loopback port, scraping `target` every second with the repo's alert rules. */
async function startPrometheus(target: string): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-'));
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${RULES}']`,
      'scrape_configs:',
      '  - job_name: agent-metrics-worker',
      `    static_configs: [{ targets: ['${target}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await until('prometheus to be ready', 60_000, async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
  return { url, child, dir };
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(url: string, expr: string): Promise<QueryResult> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as QueryResult;
}

describe('observability: business metrics, traces, alert rules, dashboard', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  let table: string;

  before(async () => {
    ensureBuilt();
    table = await createConversationsTable(ctx.clickhouse, database);
  });
  after(async () => {
    await dropTable(ctx.clickhouse, database, table);
    await ctx.clickhouse.close();
  });

  it('the alert rules pass promtool check and their unit tests', function () {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const test = spawnSync('promtool', ['test', 'rules', RULES_TEST], { encoding: 'utf8' });
    assert.equal(test.status, 0, test.stdout + test.stderr);
  });

  it('a worker exposes agent_metrics_* after an export, sends spans, and a real Prometheus scrapes it', async function () {
    const date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    const agents = Array.from({ length: 4 }, () => randomUUID());
    const rows: CallRow[] = Array.from({ length: 40 }, (_, i) => ({
      agentId: agents[i % agents.length]!,
      start: w.startEpoch + i * 60,
      duration: 30 + i,
    }));
    await insertCalls(ctx.clickhouse, database, table, rows);
    const receiver = await startOtlpReceiver();
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const env = {
      ...ctx.env,
      CLICKHOUSE_TABLE: table,
      S3_PREFIX: randomId('obs'),
      TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    };
    const worker = await spawnWorker({
      ...env,
      METRICS_ADDRESS: metricsAddress,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'agent-metrics-test',
    });
    let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
    try {
      const run = await runCli('export', ['--date', date], env, { build: 'compiled', timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr);

      // The worker's own page: the business metrics beside the SDK's.
      const page = await until('the business metrics', 30_000, async () => {
        const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
        return /agent_metrics_exports_total\{[^}]*result="exported"/.test(text) ? text : undefined;
      });
      assert.match(page, /agent_metrics_exports_total\{[^}]*reason="manual: missing"[^}]*\} 1/);
      assert.match(page, /agent_metrics_source_rows_read_total\{[^}]*\} 40\b/);
      assert.match(page, /agent_metrics_agent_rows_total\{[^}]*\} 4\b/);
      assert.match(page, /agent_metrics_delivered_bytes_total\{[^}]*\} [1-9]/);
      assert.match(page, /agent_metrics_step_duration_seconds_bucket\{[^}]*step="computeMetrics"/);
      assert.match(page, /agent_metrics_last_delivered_day_age_seconds\{[^}]*\} [1-9]/);
      assert.match(page, /^temporal_/m, "the SDK's metrics are on the same page");

      // Traces: the workflow and its activities, in one trace.
      const spans = await until('the spans', 30_000, async () => {
        const names = receiver.spans.map((s) => s.name);
        return names.some((n) => n.includes('exportDay')) && names.some((n) => n.includes('writeManifest'))
          ? receiver.spans
          : undefined;
      });
      const workflowSpan = spans.find((s) => s.name === 'RunWorkflow:exportDay');
      assert.ok(workflowSpan, `a RunWorkflow:exportDay span among ${spans.map((s) => s.name).join(', ')}`);
      const activity = spans.find((s) => s.name === 'RunActivity:computeMetrics');
      assert.ok(activity, 'a RunActivity:computeMetrics span');
      assert.equal(activity.traceId, workflowSpan.traceId, 'the activity span belongs to the workflow trace');
      assert.equal(activity.service, 'agent-metrics-test');

      // Prometheus scrapes the worker, loads the rules, and every dashboard query runs.
      prometheus = await startPrometheus(metricsAddress);
      const url = prometheus.url;
      const exported = await until('prometheus to see the export', 60_000, async () => {
        const r = await query(url, 'sum(agent_metrics_exports_total{result="exported"})');
        return r.data?.result[0] ? Number(r.data.result[0].value[1]) : undefined;
      });
      assert.equal(exported, 1);
      const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as {
        data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
      };
      const loaded = rules.data.groups.flatMap((g) => g.rules);
      assert.ok(loaded.length >= 4, 'the alert rules are loaded');
      for (const rule of loaded) assert.equal(rule.health, 'ok', `${rule.name} evaluates`);
      const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
        panels: { title: string; targets: { expr: string }[] }[];
      };
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          for (const name of target.expr.match(/\b(agent_metrics|temporal)_[a-z_]+/g) ?? []) {
            assert.match(page, new RegExp(`^${name}\\b`, 'm'), `${panel.title}: ${name} is on the worker's page`);
          }
          const expr = target.expr.replaceAll('$export', '.*').replaceAll('$__rate_interval', '1m');
          const result = await query(url, expr);
          assert.equal(result.status, 'success', `${panel.title}: ${expr}: ${result.error ?? ''}`);
        }
      }
    } finally {
      if (prometheus) {
        prometheus.child.kill('SIGTERM');
        rmSync(prometheus.dir, { recursive: true, force: true });
      }
      await worker.stop();
      await receiver.close();
    }
  });
});
