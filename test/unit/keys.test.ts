import assert from 'node:assert/strict';
import { csvKey, csvStagingKey, isStagingKey, manifestKey, metricsStagingKey } from '../../lib/s3/keys';

const RUN = '01a226fa-e344-7212-80ed-85733dd0c197';

describe('S3 keys', () => {
  it('recognises the staging objects the product writes, whatever the prefix', () => {
    for (const prefix of ['agent_metrics', 'a/b', '']) {
      assert.ok(isStagingKey(csvStagingKey(prefix, '2024-03-10', RUN)), prefix);
      assert.ok(isStagingKey(metricsStagingKey(prefix, '2024-03-10', RUN)), prefix);
    }
  });

  it('refuses final keys, other names, other days in the name and run ids that are not UUIDs', () => {
    const refused = [
      csvKey('agent_metrics', '2024-03-10'),
      manifestKey('agent_metrics', '2024-03-10'),
      `agent_metrics/_staging/2024-03-10/${RUN}/agent_metrics_2024-03-11.csv`,
      `agent_metrics/_staging/2024-03-10/${RUN}/other.csv`,
      'agent_metrics/_staging/2024-03-10/../agent_metrics_2024-03-10.csv',
      `agent_metrics/_staging/2024-3-10/${RUN}/metrics.jsonl`,
      `agent_metrics/2024-03-10/${RUN}/metrics.jsonl`,
    ];
    for (const key of refused) assert.equal(isStagingKey(key), false, key);
  });
});
