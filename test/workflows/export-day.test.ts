import { STUB_TEMPLATE } from '../helpers/export-input';
import { stubManifest, useTimeSkipping } from '../helpers/time-skipping';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { ExportActivities } from '../../activities';
import type { ExportDayInput } from '../../common/export-types';
import { FIXTURE_DATE, FIXTURE_MANIFEST, fixtureStats } from '../helpers/day-fixtures';
import { exportDay } from '../../workflows';

type Stubs = { [K in keyof ExportActivities]: (...args: Parameters<ExportActivities[K]>) => Promise<unknown> };

const DATE = FIXTURE_DATE;
const input = (overrides: Partial<ExportDayInput> = {}): ExportDayInput => ({
  ...STUB_TEMPLATE,
  date: DATE,
  force: false,
  trigger: 'manual',
  ...overrides,
});
const stats = fixtureStats;
const summary = FIXTURE_MANIFEST;

/** Activities that record each call and answer like the real ones would on a healthy day. */
function healthyStubs(calls: string[]): Stubs {
  const record =
    <T>(name: string, value: T) =>
    async () => {
      calls.push(name);
      return value;
    };
  return {
    checkData: record('checkData', stats(5)),
    findDelivery: record('findDelivery', { state: 'missing', detail: 'no manifest' }),
    computeMetrics: async (i) => {
      calls.push(i.empty ? 'computeMetrics(empty)' : 'computeMetrics');
      return {
        metricsKey: 'k',
        agentRows: i.empty ? 0 : 2,
        includedCalls: 4,
        sourceRows: 5,
        fingerprint: '5:abc',
        leftOut: { duplicateRows: 0, negativeDuration: 1, otherStatus: 0 },
        queryMs: 1,
      };
    },
    writeCsv: record('writeCsv', { stagingKey: 's', bytes: 10, sha256: 'aa', rows: 2 }),
    verifyCsv: record('verifyCsv', { stagingKey: 's', etag: '"e"', bytes: 10, sha256: 'aa', rows: 2 }),
    uploadCsv: record('uploadCsv', {
      key: 'agent_metrics/2024-03-10/agent_metrics_2024-03-10.csv',
      etag: '"e"',
      bytes: 10,
      sha256: 'aa',
    }),
    writeManifest: async (m) => {
      calls.push('writeManifest');
      return stubManifest(m);
    },
    discardStaged: async (where) => {
      calls.push(`discardStaged(${where.date})`);
    },
  };
}

describe('exportDay workflow (time-skipping server, stubbed activities)', function () {
  this.timeout(180_000);
  const suite = useTimeSkipping();

  async function run(stubs: Stubs, args: ExportDayInput) {
    const { worker, taskQueue } = await suite.worker(stubs);
    return worker.runUntil(
      suite.env.client.workflow.execute(exportDay, {
        workflowId: `agent-metrics-${randomUUID()}`,
        taskQueue,
        args: [args],
      }),
    );
  }

  it('runs the steps in order: check, find delivery, compute, write, verify the staged file, upload, manifest', async () => {
    const calls: string[] = [];
    const result = await run(healthyStubs(calls), input());
    assert.deepEqual(calls, [
      'checkData',
      'findDelivery',
      'computeMetrics',
      'writeCsv',
      'verifyCsv',
      'uploadCsv',
      'writeManifest',
    ]);
    assert.equal(result.result, 'exported');
    assert.equal(result.agentRows, 2);
  });

  it('removes its staged files when a step after staging fails, and still fails with the cause', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    stubs.verifyCsv = async () => {
      calls.push('verifyCsv');
      throw ApplicationFailure.nonRetryable('size 9 bytes, expected 10', 'VerificationError');
    };
    await assert.rejects(run(stubs, input()), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.match(String((err.cause as ApplicationFailure | undefined)?.cause?.message), /size 9 bytes/);
      return true;
    });
    assert.deepEqual(calls.slice(-2), ['verifyCsv', 'discardStaged(2024-03-10)']);
    assert.ok(!calls.includes('uploadCsv'), 'nothing is published');
  });

  it('skips a day whose export is verified and unchanged', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    stubs.findDelivery = async () => {
      calls.push('findDelivery');
      return { state: 'verified', detail: 'ok', manifest: summary };
    };
    const result = await run(stubs, input());
    assert.deepEqual(calls, ['checkData', 'findDelivery']);
    assert.equal(result.result, 'up-to-date');
    assert.equal(result.uri, summary.csvUri);
  });

  it('exports a verified day again when forced', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    stubs.findDelivery = async () => ({ state: 'verified', detail: 'ok', manifest: summary });
    const result = await run(stubs, input({ force: true }));
    assert.equal(result.result, 'exported');
    assert.ok(calls.includes('writeManifest'));
  });

  it('retries a step that fails transiently and completes', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    let attempts = 0;
    const compute = stubs.computeMetrics;
    stubs.computeMetrics = async (i) => {
      attempts += 1;
      if (attempts < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:8123');
      return compute(i);
    };
    const result = await run(stubs, input());
    assert.equal(attempts, 3);
    assert.equal(result.result, 'exported');
  });

  it('fails at once on a permanent error, with the cause in the failure chain', async () => {
    const stubs = healthyStubs([]);
    let attempts = 0;
    stubs.computeMetrics = async () => {
      attempts += 1;
      throw ApplicationFailure.nonRetryable(
        "ClickHouse table does not exist: Table db.nope doesn't exist.",
        'ClickHouseQueryError',
      );
    };
    await assert.rejects(run(stubs, input()), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      const cause = err.cause?.cause;
      assert.ok(cause instanceof ApplicationFailure);
      assert.equal(cause.type, 'ClickHouseQueryError');
      assert.match(cause.message, /table does not exist/);
      return true;
    });
    assert.equal(attempts, 1);
  });

  /**
   * A checkData stub whose day ends `endsInMs` after the first check, on the test server's clock (the clock jumps
   * between tests, so the day is placed relative to the run), answering `rows(check)` rows; `times` records each check.
   */
  function checkDataEnding(endsInMs: number, rows: (check: number) => number, times: number[] = []) {
    let end: number | undefined;
    return async () => {
      const now = await suite.env.currentTimeMs();
      times.push(now);
      end ??= now + endsInMs;
      return { ...stats(rows(times.length)), endIso: new Date(end).toISOString() };
    };
  }

  it('waits durably for data, checking every poll interval, and exports once it arrives', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    const times: number[] = [];
    stubs.checkData = checkDataEnding(3_600_000, (check) => (check < 4 ? 0 : 5), times);
    const result = await run(stubs, input());
    assert.equal(times.length, 4);
    assert.equal(result.result, 'exported');
    assert.ok(times[3]! - times[0]! >= 3 * 10 * 60_000, 'three poll intervals passed');
  });

  it('fails with "no data for D" when the wait times out and ON_EMPTY=fail', async () => {
    const stubs = healthyStubs([]);
    const times: number[] = [];
    stubs.checkData = checkDataEnding(3_600_000, () => 0, times);
    await assert.rejects(run(stubs, input({ waitTimeoutMs: 60 * 60_000 })), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'NoDataError');
      assert.match(err.cause.message, /^no data for 2024-03-10: 0 rows/);
      return true;
    });
    assert.equal(times.length, 1 + 6, 'one check, then one every 10 minutes for an hour');
  });

  it('decides a day that ended more than DATA_WAIT_TIMEOUT ago at once: no wait, ON_EMPTY applies', async () => {
    const stubs = healthyStubs([]);
    let checks = 0;
    stubs.checkData = async () => {
      checks += 1;
      return stats(0);
    };
    await assert.rejects(run(stubs, input()), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'NoDataError');
      return true;
    });
    assert.equal(checks, 1, 'one check, no wait');
  });

  it("waits for a recent day's data until DATA_WAIT_TIMEOUT after the day's end, not after the run's start", async () => {
    const stubs = healthyStubs([]);
    const times: number[] = [];
    // The day ended an hour before the run: with DATA_WAIT_TIMEOUT 6 h, its data is awaited 5 h more.
    stubs.checkData = checkDataEnding(-3_600_000, () => 0, times);
    await assert.rejects(run(stubs, input()), WorkflowFailedError);
    const waited = times[times.length - 1]! - times[0]!;
    assert.ok(waited >= 5 * 3_600_000, `waited ${waited} ms: at least 5 h`);
    assert.ok(waited < 5 * 3_600_000 + 60_000, `waited ${waited} ms: not the 6 h of a run started at the day's end`);
  });

  it('publishes a header-only file when the wait times out and ON_EMPTY=publish', async () => {
    const calls: string[] = [];
    const stubs = healthyStubs(calls);
    stubs.checkData = async () => stats(0);
    const result = await run(stubs, input({ onEmpty: 'publish', waitTimeoutMs: 30 * 60_000 }));
    assert.equal(result.result, 'exported');
    assert.ok(calls.includes('computeMetrics(empty)'));
    assert.ok(calls.includes('writeManifest'));
  });
  it('names every step in the history, and runs the quick S3 steps in the workflow task without a round trip', async () => {
    const { worker, taskQueue } = await suite.worker(healthyStubs([]));
    const handle = await suite.env.client.workflow.start(exportDay, {
      workflowId: `agent-metrics-${randomUUID()}`,
      taskQueue,
      args: [input()],
    });
    await worker.runUntil(handle.result());
    const steps: string[] = [];
    let workflowTasks = 0;
    for (const event of (await handle.fetchHistory()).events ?? []) {
      if (event.workflowTaskCompletedEventAttributes) workflowTasks += 1;
      const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (scheduled) steps.push(scheduled);
      const marker = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      if (marker) steps.push(`${String(JSON.parse(Buffer.from(marker).toString('utf8')).activity_type)} (local)`);
    }
    assert.deepEqual(steps, [
      'checkData',
      'findDelivery (local)',
      'computeMetrics',
      'writeCsv',
      'verifyCsv',
      'uploadCsv (local)',
      'writeManifest (local)',
      'reportDay (local)',
    ]);
    assert.equal(workflowTasks, 5, 'one workflow task to start and one after each of the four steps on the queue');
  });
});
