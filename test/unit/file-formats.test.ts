import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { OUTPUT_FORMATS, type OutputFormat } from '../../common/output-format';
import type { AgentMetricsRow } from '../../lib/csv-format';
import { fileWriter } from '../../lib/file-formats/file-writer';
import { MetricsFileError, readMetricsFile } from '../../lib/file-formats/read-metrics-file';
import { formatScaled } from '../../lib/metric-values';
import { csvKey, dataKey, formatOfKey, isStagingKey } from '../../lib/s3/keys';

const ROWS: AgentMetricsRow[] = [
  {
    agentId: '0a000000-0000-4000-8000-000000000001',
    calls: 3,
    avgCents: 131650,
    p90Cents: 243700,
    extra: [2, 6667, -50],
  },
  { agentId: '0b000000-0000-4000-8000-000000000002', calls: 1, avgCents: 5, p90Cents: 5, extra: [0, 10000, 12345] },
];
const COLUMNS = ['calls_missed', 'answer_rate', 'avg_sentiment'] as const;

async function write(format: OutputFormat, rows: readonly AgentMetricsRow[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const w = fileWriter(format, (c) => Promise.resolve(void chunks.push(Buffer.from(c))), '2024-03-10', COLUMNS);
  for (const r of rows) await w.add(r);
  assert.equal(await w.end(), rows.length);
  return Buffer.concat(chunks);
}

describe('file formats (docs/contract.md §9)', () => {
  it('places the point of a scaled value without rounding, and drops trailing zeros', () => {
    assert.equal(formatScaled('answer_rate', 6667), '0.6667');
    assert.equal(formatScaled('answer_rate', 10000), '1');
    assert.equal(formatScaled('avg_sentiment', -50), '-0.005');
    assert.equal(formatScaled('p95_call_length_sec', 123450), '1234.5');
    assert.equal(formatScaled('calls_missed', 12), '12');
    assert.throws(() => formatScaled('answer_rate', 0.5), RangeError);
  });

  it('writes JSON lines with the CSV decimal text, keys in column order and a line end after each row', async () => {
    const text = (await write('jsonl', ROWS)).toString('utf-8');
    assert.equal(
      text.split('\n')[0],
      '{"agent_id":"0a000000-0000-4000-8000-000000000001","avg_call_length_sec":1316.5,"p90_call_length_sec":2437,' +
        '"total_calls":3,"date":"2024-03-10","calls_missed":2,"answer_rate":0.6667,"avg_sentiment":-0.005}',
    );
    assert.ok(text.endsWith('}\n'));
    assert.equal(text.split('\n').length, 3);
  });

  it('gzips exactly the CSV and JSON lines bytes', async () => {
    assert.deepEqual(gunzipSync(await write('csv.gz', ROWS)), await write('csv', ROWS));
    assert.deepEqual(gunzipSync(await write('jsonl.gz', ROWS)), await write('jsonl', ROWS));
  });

  for (const format of OUTPUT_FORMATS) {
    it(`reads ${format} back to the same rows, and a day without agents too`, async () => {
      const file = await readMetricsFile(await write(format, ROWS), format);
      assert.deepEqual(file.rows, [
        {
          agent_id: ROWS[0]!.agentId,
          avg_call_length_sec: 1316.5,
          p90_call_length_sec: 2437,
          total_calls: 3,
          date: '2024-03-10',
          calls_missed: 2,
          answer_rate: 0.6667,
          avg_sentiment: -0.005,
        },
        {
          agent_id: ROWS[1]!.agentId,
          avg_call_length_sec: 0.05,
          p90_call_length_sec: 0.05,
          total_calls: 1,
          date: '2024-03-10',
          calls_missed: 0,
          answer_rate: 1,
          avg_sentiment: 1.2345,
        },
      ]);
      assert.equal((await readMetricsFile(await write(format, []), format)).rows.length, 0);
    });
  }

  it('refuses a truncated file', async () => {
    const csv = await write('csv', ROWS);
    await assert.rejects(readMetricsFile(csv.subarray(0, csv.length - 3), 'csv'), MetricsFileError);
    await assert.rejects(readMetricsFile((await write('parquet', ROWS)).subarray(0, 40), 'parquet'));
  });

  it("keys each format's file beside the manifest, and keeps the CSV key as it was", () => {
    assert.equal(dataKey('agent_metrics', '2024-03-10', 'csv'), csvKey('agent_metrics', '2024-03-10'));
    assert.equal(
      dataKey('agent_metrics', '2024-03-10', 'jsonl.gz'),
      'agent_metrics/2024-03-10/agent_metrics_2024-03-10.jsonl.gz',
    );
    assert.equal(formatOfKey('p/2024-03-10/agent_metrics_2024-03-10.parquet', '2024-03-10'), 'parquet');
    assert.equal(formatOfKey('p/2024-03-10/agent_metrics_2024-03-10.xlsx', '2024-03-10'), undefined);
    const run = '0190f5c2-1111-7222-8333-944455556666';
    assert.ok(isStagingKey(`p/_staging/2024-03-10/${run}/agent_metrics_2024-03-10.csv.gz`));
    assert.ok(!isStagingKey(`p/_staging/2024-03-10/${run}/agent_metrics_2024-03-10.exe`));
  });
});
