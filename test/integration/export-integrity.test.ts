import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { ExportDayInput, PrecomputedDay } from '../../common/export-types';
import { dayWorkflowId } from '../../common/workflow-ids';
import { startExportDay } from '../../client/start-export';
import { dayWindow } from '../../lib/days/day-window';
import { csvKey, csvStagingKey, manifestKey, metricsStagingKey } from '../../lib/s3/keys';
import { insertCalls } from '../helpers/conversations-table';
import { testInput } from '../helpers/export-input';
import { randomPastDay } from '../helpers/random';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';
import { startWorker } from '../helpers/test-worker';
import { rootCause } from '../helpers/root-cause';

describe('daily export on the real stack: the final key only ever holds a verified file', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx);
  const bucket = ctx.deps.bucket;
  let date: string;

  /** The object's bytes and ETag, or undefined when there is none. */
  async function objectAt(key: string): Promise<{ text: string; etag: string | undefined } | undefined> {
    try {
      const res = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { text: (await res.Body?.transformToString('utf-8')) ?? '', etag: res.ETag };
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /** The day's delivered CSV and manifest, byte for byte. */
  async function delivered() {
    return {
      csv: await objectAt(csvKey(suite.prefix, date)),
      manifest: await objectAt(manifestKey(suite.prefix, date)),
    };
  }

  const put = (key: string, body: string) =>
    ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  /** Exports the day (forced) with a worker whose activities `override` wraps; resolves to the error, if any. */
  async function exportWith(override: Parameters<typeof startWorker>[4], input?: ExportDayInput) {
    const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } = ctx.config.temporal;
    const worker = await startWorker(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, suite.bundle, ctx.deps, override);
    try {
      const args = input ?? testInput(date, suite.table, suite.prefix, { force: true });
      const handle = input
        ? await suite.client.workflow.start('exportDay', {
            workflowId: `${dayWorkflowId('default', date)}-${randomUUID()}`,
            taskQueue: worker.taskQueue,
            args: [args],
          })
        : await startExportDay(suite.client, worker.taskQueue, args);
      return await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
    } finally {
      await worker.stop();
    }
  }

  beforeEach(async () => {
    date = randomPastDay();
    const w = dayWindow(date, 'UTC');
    await insertCalls(ctx.clickhouse, ctx.config.clickhouse.CLICKHOUSE_DATABASE, suite.table, [
      { agentId: randomUUID(), start: w.startEpoch + 10, duration: 42 },
      { agentId: randomUUID(), start: w.startEpoch + 20, duration: 43 },
    ]);
    const first = await startExportDay(
      suite.client,
      suite.worker.taskQueue,
      testInput(date, suite.table, suite.prefix),
    );
    assert.equal((await first.result()).result, 'exported');
  });

  it('keeps the old CSV and manifest when the staged object is corrupted between write and verify', async () => {
    const before = await delivered();
    assert.ok(before.csv && before.manifest);
    let staged = '';
    const error = await exportWith((real) => ({
      writeCsv: async (input) => {
        const written = await real.writeCsv(input);
        staged = written.stagingKey;
        const text = (await objectAt(staged))!.text;
        await put(staged, text.replace(/,42,/g, ',24,').replace(/,43,/g, ',34,'));
        return written;
      },
    }));
    const cause = rootCause(error);
    assert.equal(cause.type, 'VerificationError');
    assert.equal(cause.nonRetryable, true);
    assert.ok(cause.message.includes(staged), `names the staged key: ${cause.message}`);
    assert.match(cause.message, /SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}/);
    assert.deepEqual(await delivered(), before, 'the delivered CSV and its manifest are unchanged');
  });

  it('keeps the old CSV and manifest when a re-export fails its verification', async () => {
    const before = await delivered();
    const error = await exportWith((real) => ({
      writeCsv: async (input) => ({ ...(await real.writeCsv(input)), rows: 7 }),
    }));
    const cause = rootCause(error);
    assert.equal(cause.type, 'VerificationError');
    assert.match(cause.message, /2 data rows, expected 7/);
    assert.deepEqual(await delivered(), before, 'the delivered CSV and its manifest are unchanged');
  });

  it('refuses a manifest when another writer replaced the CSV after the upload, and leaves none behind', async () => {
    const other = 'agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\n';
    const error = await exportWith((real) => ({
      uploadCsv: async (input) => {
        const uploaded = await real.uploadCsv(input);
        await put(uploaded.key, other);
        return uploaded;
      },
    }));
    const cause = rootCause(error);
    assert.equal(cause.type, 'PublishConflictError');
    assert.equal(cause.nonRetryable, true);
    const after = await delivered();
    assert.equal(after.csv?.text, other, "the other writer's file stays");
    assert.equal(after.manifest, undefined, 'no manifest describes bytes that are not at the final key');
  });

  it("leaves another writer's manifest alone when it appears during the publish", async () => {
    const theirs = '{"manifestVersion":1,"written":"by another namespace"}\n';
    const error = await exportWith((real) => ({
      uploadCsv: async (input) => {
        const uploaded = await real.uploadCsv(input);
        await put(manifestKey(suite.prefix, date), theirs);
        return uploaded;
      },
    }));
    const cause = rootCause(error);
    assert.equal(cause.type, 'PublishConflictError');
    assert.match(cause.message, /_manifest\.json appeared/);
    assert.equal((await delivered()).manifest?.text, theirs);
  });

  describe('keys in step inputs', () => {
    const acts = createActivities(ctx.deps);
    const runId = randomUUID();
    const env = () =>
      new MockActivityEnvironment(
        { workflowExecution: { workflowId: 'integrity', runId } },
        { logger: new DefaultLogger('ERROR') },
      );

    /** The step's failure: a non-retryable StagingKeyError naming `key`. */
    function refusedNaming(key: string) {
      return (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, 'StagingKeyError');
        assert.equal(err.nonRetryable, true);
        assert.ok(err.message.includes(`"${key}"`), err.message);
        return true;
      };
    }

    it("writeCsv reads only its own run's staged metrics", async () => {
      const other = metricsStagingKey(suite.prefix, date, randomUUID());
      await put(other, '{}\n');
      const input = { date, prefix: suite.prefix, metricsKey: other };
      await assert.rejects(env().run(acts.writeCsv, input), refusedNaming(other));
      assert.equal(await objectAt(csvStagingKey(suite.prefix, date, runId)), undefined, 'nothing was staged');
    });

    it("writeManifest writes only the day's own manifest and removes only staging objects it derives", async () => {
      const before = await delivered();
      const m = JSON.parse(before.manifest!.text) as Record<string, unknown>;
      const input = {
        ...(m as object),
        prefix: suite.prefix,
        stagedBy: runId,
        csv: { key: `${suite.prefix}/other/agent_metrics_${date}.csv`, bytes: 1, sha256: 'aa' },
        csvEtag: before.csv!.etag!,
      } as unknown as Parameters<typeof acts.writeManifest>[0];
      await assert.rejects(env().run(acts.writeManifest, input), refusedNaming(input.csv.key));
      const notARun = { ...input, csv: { ...input.csv, key: csvKey(suite.prefix, date) }, stagedBy: '../../x' };
      await assert.rejects(env().run(acts.writeManifest, notARun), refusedNaming('../../x'));
      assert.deepEqual(await delivered(), before);
    });
  });

  describe('keys in workflow inputs', () => {
    /** A day's input as a backfill would hand it over, with `written` pointing at `key` (bytes as they are there). */
    async function precomputedAt(key: string): Promise<ExportDayInput> {
      const text = (await objectAt(key))!.text;
      const w = dayWindow(date, 'UTC');
      const precomputed: PrecomputedDay = {
        stats: { ...w, sourceRows: 2, fingerprint: 'f' },
        computed: {
          agentRows: 2,
          includedCalls: 2,
          sourceRows: 2,
          fingerprint: 'f',
          leftOut: { duplicateRows: 0, negativeDuration: 0, otherStatus: 0 },
          queryMs: 1,
        },
        written: {
          stagingKey: key,
          bytes: Buffer.byteLength(text),
          sha256: createHash('sha256').update(text).digest('hex'),
          rows: text.split('\n').length - 2,
        },
        delivery: { state: 'stale', detail: 'test' },
      };
      return testInput(date, suite.table, suite.prefix, { precomputed });
    }

    const foreign: Array<[string, (prefix: string, day: string) => string]> = [
      ['an object outside the staging area', (prefix) => `${prefix}/secrets/agent_metrics_x.csv`],
      ['a staged CSV of a run that did not start this one', (prefix, day) => csvStagingKey(prefix, day, randomUUID())],
    ];
    for (const [what, keyOf] of foreign) {
      it(`refuses ${what} as the staged CSV, naming it, and changes nothing`, async () => {
        const key = keyOf(suite.prefix, date);
        await put(key, 'agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\nx,1,1,1,' + date + '\n');
        const before = await delivered();
        const error = await exportWith(() => ({}), await precomputedAt(key));
        const cause = rootCause(error);
        assert.equal(cause.type, 'StagingKeyError');
        assert.equal(cause.nonRetryable, true);
        assert.ok(cause.message.includes(`"${key}"`), cause.message);
        assert.deepEqual(await delivered(), before, 'the delivered CSV and its manifest are unchanged');
        assert.ok(await objectAt(key), 'the foreign object was neither copied nor removed');
      });
    }
  });
});
