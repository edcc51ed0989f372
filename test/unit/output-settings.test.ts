import assert from 'node:assert/strict';
import { exportInput } from '../../client/export-input';
import { runSettings, settingDifferences } from '../../common/run-settings';
import { exportDayProblems } from '../../common/validate-input';
import { loadConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { testInput } from '../helpers/export-input';

const base = { CLICKHOUSE_HOST: 'ch.internal', S3_BUCKET_NAME: 'agent-metrics' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(['export'], env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  return [];
}

describe('OUTPUT_FORMAT, METRIC_COLUMNS, DQ_MAX_LEFT_OUT_SHARE and DQ_MODE', () => {
  it('default to the CSV of five columns and no data-quality check, which a run input leaves out', () => {
    const c = loadConfig(['export'], base).export;
    assert.equal(c.OUTPUT_FORMAT, 'csv');
    assert.deepEqual(c.METRIC_COLUMNS, []);
    assert.equal(c.DQ_MAX_LEFT_OUT_SHARE, undefined);
    assert.equal(c.DQ_MODE, 'warn');
    const input = exportInput('2024-03-10', c, { force: false, trigger: 'manual' });
    assert.ok(!('format' in input) && !('columns' in input) && !('dq' in input));
  });

  it('carry the format, the columns in the order given and the limit into the run input', () => {
    const c = loadConfig(['export'], {
      ...base,
      OUTPUT_FORMAT: 'parquet',
      METRIC_COLUMNS: ' avg_sentiment, P95_call_length_sec,calls_missed ',
      DQ_MAX_LEFT_OUT_SHARE: '0.05',
      DQ_MODE: 'fail',
    }).export;
    const input = exportInput('2024-03-10', c, { force: false, trigger: 'manual' });
    assert.equal(input.format, 'parquet');
    assert.deepEqual(input.columns, ['avg_sentiment', 'p95_call_length_sec', 'calls_missed']);
    assert.deepEqual(input.dq, { maxLeftOutShare: 0.05, mode: 'fail' });
  });

  it('name each bad variable and what it expects', () => {
    const found = problems({
      ...base,
      OUTPUT_FORMAT: 'xlsx',
      METRIC_COLUMNS: 'calls_answered,median',
      DQ_MAX_LEFT_OUT_SHARE: '1.5',
      DQ_MODE: 'loud',
    });
    assert.deepEqual(
      found.map((p) => p.split(':')[0]),
      ['OUTPUT_FORMAT', 'METRIC_COLUMNS', 'DQ_MAX_LEFT_OUT_SHARE', 'DQ_MODE'],
    );
    assert.match(found[0]!, /expected one of csv, csv\.gz, jsonl, jsonl\.gz, parquet \(got 'xlsx'\)/);
    assert.match(found[1]!, /unknown median: expected a comma list of calls_answered/);
    assert.match(problems({ ...base, METRIC_COLUMNS: 'answer_rate,answer_rate' })[0]!, /a column named twice/);
  });

  it('are checked in a workflow input started by hand', () => {
    const bad = exportDayProblems({
      ...testInput('2024-03-10', 't', 'p'),
      format: 'xml',
      columns: ['answer_rate', 'nope'],
      dq: { maxLeftOutShare: 2, mode: 'warn' },
    });
    assert.equal(bad.length, 3);
    assert.match(bad[0]!, /^format: expected one of csv/);
    assert.match(bad[1]!, /^columns: unknown column 'nope'/);
    assert.match(bad[2]!, /^dq: expected \{ maxLeftOutShare/);
    assert.deepEqual(exportDayProblems({ ...testInput('2024-03-10', 't', 'p'), format: 'jsonl.gz', columns: [] }), []);
  });

  it('must match for a start to attach to a running day; a run that recorded none meant the defaults', () => {
    const csv = runSettings(testInput('2024-03-10', 't', 'p'));
    const parquet = runSettings(testInput('2024-03-10', 't', 'p', { format: 'parquet', columns: ['answer_rate'] }));
    assert.deepEqual(settingDifferences(csv, parquet), [
      "OUTPUT_FORMAT: running 'csv', this start 'parquet'",
      "METRIC_COLUMNS: running '', this start 'answer_rate'",
    ]);
    const limited = runSettings(testInput('2024-03-10', 't', 'p', { dq: { maxLeftOutShare: 0.1, mode: 'fail' } }));
    assert.deepEqual(settingDifferences(csv, limited), [
      "DQ_MAX_LEFT_OUT_SHARE and DQ_MODE: running 'none', this start '0.1 fail'",
    ]);
    const older = Object.fromEntries(Object.entries(csv).filter(([k]) => !['format', 'columns', 'dq'].includes(k)));
    assert.deepEqual(settingDifferences(older, csv), []);
  });
});
