import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { startBackfill } from '../../client/start-backfill';
import { startExportDay } from '../../client/start-export';
import { addDays } from '../../common/calendar';
import type { ExportDayInput } from '../../common/export-types';
import { parseManifest } from '../../common/manifest';
import { METRIC_COLUMNS } from '../../common/metric-columns';
import { OUTPUT_FORMATS, type OutputFormat } from '../../common/output-format';
import { dayWindow } from '../../lib/days/day-window';
import { readMetricsFile } from '../../lib/file-formats/read-metrics-file';
import { dataKey, manifestKey } from '../../lib/s3/keys';
import { insertCalls, type CallRow } from '../helpers/conversations-table';
import { testInput, testTemplate, uniqueExportName } from '../helpers/export-input';
import { readWithPyArrow } from '../helpers/parquet-reader';
import { randomPastDay } from '../helpers/random';
import { readObjectBytes } from '../helpers/s3-objects';
import { stackContext } from '../helpers/stack-context';
import { useStackSuite } from '../helpers/stack-suite';
import { completedLocalSteps, completedSteps } from '../helpers/workflow-steps';

const REQUIRED = ['agent_id', 'avg_call_length_sec', 'p90_call_length_sec', 'total_calls', 'date'];
const STATUSES = ['Answered', 'Answered', 'Missed', 'Rejected', 'Hangup', 'Voicemail'] as const;

/** A small day: agents with 1, 2 and many calls, every status, negative durations and varied sentiment. */
function dayRows(start: number): CallRow[] {
  const rows: CallRow[] = [];
  for (let a = 0; a < 25; a += 1) {
    const agentId = randomUUID();
    const calls = a < 2 ? a + 1 : 3 + ((a * 7) % 40);
    for (let i = 0; i < calls; i += 1) {
      rows.push({
        agentId,
        start: start + a * 600 + i,
        duration: i === 5 ? -3 : (i * 97 + a * 31) % 1_800,
        status: STATUSES[(i + a) % STATUSES.length]!,
        sentiment: ((i * 37 + a * 11) % 2_001) / 1_000 - 1,
      });
    }
  }
  return rows;
}

/** The Arrow type PyArrow must report for each column (docs/contract.md §9). */
function arrowType(column: string): string {
  if (column === 'agent_id') return 'string';
  if (column === 'date') return 'date32[day]';
  if (column === 'total_calls' || column.startsWith('calls_')) return 'int64';
  return 'double';
}

describe('output formats on the real stack (OUTPUT_FORMAT, METRIC_COLUMNS)', function () {
  this.timeout(300_000);
  const ctx = stackContext();
  const suite = useStackSuite(ctx, 'per suite');
  const database = ctx.config.clickhouse.CLICKHOUSE_DATABASE;
  const date = randomPastDay();
  const columns = [...METRIC_COLUMNS].reverse();

  before(async () => {
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(dayWindow(date, 'UTC').startEpoch));
  });

  async function exportIn(format: OutputFormat | undefined, extra: Partial<ExportDayInput> = {}) {
    const prefix = `${suite.prefix}/${format ?? 'default'}`;
    const input = testInput(date, suite.table, prefix, {
      statuses: ['Answered', 'Hangup'],
      ...(format ? { format } : {}),
      ...extra,
    });
    await (await startExportDay(suite.client, suite.worker.taskQueue, input)).result();
    const key = dataKey(prefix, date, format ?? 'csv');
    const bytes = await readObjectBytes(ctx.s3, ctx.deps.bucket, key);
    const manifest = parseManifest(
      (await readObjectBytes(ctx.s3, ctx.deps.bucket, manifestKey(prefix, date))).toString(),
    );
    return { key, bytes, manifest };
  }

  let csvText = '';
  let csvRows: string[][] = [];

  it('writes the CSV with the optional columns after the required five, in the order asked for', async () => {
    const { bytes, manifest } = await exportIn('csv', { columns });
    csvText = bytes.toString('utf-8');
    const parsed = Papa.parse<string[]>(csvText.trimEnd(), { newline: '\n' }).data;
    assert.deepEqual(parsed[0], [...REQUIRED, ...columns]);
    csvRows = parsed.slice(1);
    assert.equal(csvRows.length, 25);
    assert.equal(manifest.format, 'csv');
    assert.deepEqual(manifest.columns, columns);
  });

  it('keeps the default file as it was: five columns at the .csv key, and the manifest says csv', async () => {
    const { key, bytes, manifest } = await exportIn(undefined);
    assert.match(key, /agent_metrics_\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = bytes.toString('utf-8').split('\n');
    assert.equal(lines[0], REQUIRED.join(','));
    assert.deepEqual(
      lines.slice(1, -1).map((l) => l.split(',')),
      csvRows.map((r) => r.slice(0, 5)),
    );
    assert.equal(manifest.format, 'csv');
    assert.equal(manifest.columns, undefined);
  });

  for (const format of OUTPUT_FORMATS.filter((f) => f !== 'csv')) {
    it(`stores ${format} at agent_metrics_D.${format} with the CSV's rows and values, and the manifest describes it`, async () => {
      const { key, bytes, manifest } = await exportIn(format, { columns });
      assert.ok(key.endsWith(`/agent_metrics_${date}.${format}`), key);
      assert.equal(manifest.format, format);
      assert.equal(manifest.csv.key, key);
      assert.equal(manifest.csv.bytes, bytes.length);
      assert.equal(manifest.csv.sha256, createHash('sha256').update(bytes).digest('hex'));
      if (format === 'csv.gz') assert.equal(gunzipSync(bytes).toString('utf-8'), csvText, 'gzip of the same CSV bytes');
      if (format.startsWith('jsonl')) {
        const text = (format.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf-8');
        assert.ok(text.endsWith('\n'));
        const lines = text.slice(0, -1).split('\n');
        const names = [...REQUIRED, ...columns];
        assert.deepEqual(
          lines,
          csvRows.map((r) => `{${r.map((v, i) => `"${names[i]}":${i === 0 || i === 4 ? `"${v}"` : v}`).join(',')}}`),
          'one object per row, keys in column order, numbers with the CSV decimal text',
        );
      }
      const ours = await readMetricsFile(bytes, format);
      assert.deepEqual(ours.columns, [...REQUIRED, ...columns]);
      assert.equal(ours.rows.length, csvRows.length);
      if (format === 'parquet') {
        const arrow = await readWithPyArrow(bytes);
        assert.deepEqual(
          arrow.schema,
          [...REQUIRED, ...columns].map((c) => [c, arrowType(c)]),
        );
        const names = [...REQUIRED, ...columns];
        assert.deepEqual(
          arrow.rows,
          csvRows.map((r) => Object.fromEntries(r.map((v, i) => [names[i]!, i === 0 || i === 4 ? v : Number(v)]))),
          'PyArrow reads every value equal to the CSV',
        );
      }
    });
  }

  it('writes the same Parquet file from a backfill, whose batch query computes the days together', async () => {
    const prefix = `${suite.prefix}/backfill`;
    const next = addDays(date, 1);
    await insertCalls(ctx.clickhouse, database, suite.table, dayRows(dayWindow(next, 'UTC').startEpoch));
    const template = testTemplate(suite.table, prefix, {
      exportName: uniqueExportName(),
      statuses: ['Answered', 'Hangup'],
      format: 'parquet',
      columns,
    });
    const { handle } = await startBackfill(suite.client, suite.worker.taskQueue, {
      from: date,
      to: next,
      concurrency: 2,
      force: false,
      only: 'all',
      template,
      chunkDays: 31,
    });
    const summary = await handle.result();
    assert.deepEqual(
      summary.latest.map((o) => o.result),
      ['exported', 'exported'],
    );
    // The day's run started at "verify" (a local activity for a batched day): it did not compute the day alone.
    const day = suite.client.workflow.getHandle(`agent-metrics-${template.exportName}-${date}`);
    const steps = [...(await completedSteps(day)), ...(await completedLocalSteps(day))].map((x) => x.activityType);
    assert.ok(
      steps.includes('verifyCsv') && !steps.includes('computeMetrics'),
      `computed in the batch: ${steps.join(' ')}`,
    );
    const bytes = await readObjectBytes(ctx.s3, ctx.deps.bucket, dataKey(prefix, date, 'parquet'));
    const names = [...REQUIRED, ...columns];
    assert.deepEqual(
      (await readWithPyArrow(bytes)).rows,
      csvRows.map((r) => Object.fromEntries(r.map((v, i) => [names[i]!, i === 0 || i === 4 ? v : Number(v)]))),
    );
  });
});
