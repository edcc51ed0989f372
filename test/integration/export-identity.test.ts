import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { SettingsConflictError, startExportDay } from '../../client/start-export';
import { AGENT_METRICS_EXPORT } from '../../common/workflow-ids';
import { ensureBuilt } from '../helpers/build';
import { finished, runCli, spawnCli } from '../helpers/cli-process';
import { testInput } from '../helpers/export-input';
import { randomPastDay } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';

/**
 * The export's identity and conflicting starts (docs/contract.md §5). No worker polls these tests' task queues, so
 * every day run stays running for as long as a test needs it; each test terminates what it started.
 */
describe('export identity and conflicting starts', function () {
  this.timeout(120_000);
  const ctx = stackContext();
  let client: Client;
  const started: { workflowId: string; runId?: string }[] = [];
  const exportName = () => `t-${randomBytes(4).toString('hex')}`;

  before(async () => {
    ensureBuilt();
    client = new Client({ connection: await Connection.connect({ address: ctx.config.temporal.TEMPORAL_ADDRESS }) });
  });

  afterEach(async () => {
    for (const { workflowId, runId } of started.splice(0)) {
      await client.workflow
        .getHandle(workflowId, runId)
        .terminate('test done')
        .catch(() => undefined);
    }
  });

  after(async () => {
    await client?.connection.close();
    await ctx.clickhouse.close();
  });

  const start = async (queue: string, input: ReturnType<typeof testInput>) => {
    const handle = await startExportDay(client, queue, input);
    started.push({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    return handle;
  };

  it('gives two exports of one day two workflows, each carrying its export as a search attribute', async () => {
    const [a, b] = [exportName(), exportName()];
    const date = randomPastDay();
    const queue = `test-${randomUUID()}`;
    const first = await start(queue, { ...testInput(date, 'conversations', 'p'), exportName: a });
    const second = await start(queue, { ...testInput(date, 'other', 'q'), exportName: b });
    assert.equal(first.workflowId, `agent-metrics-${a}-${date}`);
    assert.equal(second.workflowId, `agent-metrics-${b}-${date}`);
    assert.equal(second.attached, false);
    const described = await first.describe();
    assert.equal(described.typedSearchAttributes.get(AGENT_METRICS_EXPORT), a);
  });

  it('attaches a start with the same settings and refuses one with other settings, naming run and differences', async () => {
    const name = exportName();
    const date = randomPastDay();
    const queue = `test-${randomUUID()}`;
    const input = { ...testInput(date, 'conversations', 'p'), exportName: name };
    const first = await start(queue, input);
    const same = await startExportDay(client, queue, { ...input, trigger: 'backfill' });
    assert.equal(same.attached, true);
    assert.equal(same.firstExecutionRunId, first.firstExecutionRunId);
    await assert.rejects(
      startExportDay(client, queue, { ...input, timezone: 'Europe/Paris', force: true }),
      (err: unknown) => {
        assert.ok(err instanceof SettingsConflictError);
        assert.equal(err.runId, first.firstExecutionRunId);
        assert.deepEqual(err.differences, [
          "time zone (EXPORT_TIMEZONE): running 'UTC', this start 'Europe/Paris'",
          "--force: running 'false', this start 'true'",
        ]);
        return true;
      },
    );
  });

  it('exits 3 from the export command on a conflicting start, with the running run and the setting on stderr', async () => {
    const name = exportName();
    const date = randomPastDay();
    const queue = `test-${randomUUID()}`;
    const env = { ...ctx.env, EXPORT_NAME: name, TEMPORAL_TASK_QUEUE: queue, CLICKHOUSE_TABLE: 'conversations' };
    const first = await start(queue, { ...testInput(date, 'conversations', 'agent_metrics'), exportName: name });
    const refused = await runCli('export', ['--date', date], { ...env, MIN_ROWS: '50' }, { build: 'compiled' });
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(`agent-metrics-${name}-${date} is already running \\(run ${first.firstExecutionRunId}\\)`),
    );
    assert.match(refused.stderr, /MIN_ROWS: running '1', this start '50'/);
    const attached = await runCli(
      'export',
      ['--date', date, '--no-wait'],
      { ...env, S3_PREFIX: 'agent_metrics' },
      {
        build: 'compiled',
      },
    );
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(
      attached.stderr,
      new RegExp(`attached to the run already going with the same settings, run ${first.firstExecutionRunId}`),
    );
  });

  it('says on stderr within seconds that no worker polls the task queue, and keeps waiting', async () => {
    const name = exportName();
    const date = randomPastDay();
    const queue = `test-${randomUUID()}`;
    const child = spawnCli(
      'export',
      ['--date', date],
      { ...ctx.env, EXPORT_NAME: name, TEMPORAL_TASK_QUEUE: queue },
      {
        build: 'compiled',
      },
    );
    const done = finished(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const began = Date.now();
    while (!/no worker is polling/.test(stderr) && Date.now() - began < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const tookMs = Date.now() - began;
    assert.equal(child.exitCode, null, 'still waiting for the run');
    child.kill('SIGTERM');
    await done;
    started.push({ workflowId: `agent-metrics-${name}-${date}` });
    assert.match(
      stderr,
      new RegExp(`no worker is polling task queue ${queue} in namespace default; start one with 'npm run worker'`),
    );
    assert.ok(tookMs < 15_000, `warned after ${tookMs} ms`);
  });
});
