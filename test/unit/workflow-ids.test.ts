import assert from 'node:assert/strict';
import {
  backfillWorkflowId,
  backfillTaskQueue,
  dayWorkflowId,
  defaultScheduleId,
  exportOfWorkflowId,
  isBackfillWorkflowId,
  nominalTimeFromWorkflowId,
} from '../../common/workflow-ids';

describe('workflow ids', () => {
  it('names the export and the day in the one workflow id a day has', () => {
    assert.equal(dayWorkflowId('default', '2024-03-10'), 'agent-metrics-default-2024-03-10');
    assert.equal(dayWorkflowId('emea', '2024-03-10'), 'agent-metrics-emea-2024-03-10');
  });

  it('names the export in the backfill id, the default schedule id and keeps backfills on their own queue', () => {
    assert.equal(
      backfillWorkflowId('emea', '2024-01-01', '2024-01-31'),
      'agent-metrics-emea-backfill-2024-01-01-2024-01-31',
    );
    assert.equal(defaultScheduleId('emea'), 'agent-metrics-emea-daily');
    assert.equal(backfillTaskQueue('agent-metrics'), 'agent-metrics-backfill');
  });

  it('tells a backfill id from the ids of days, their alerts and scheduled runs', () => {
    assert.equal(isBackfillWorkflowId(backfillWorkflowId('acme-eu-2', '2024-01-01', '2024-01-31')), true);
    for (const id of [dayWorkflowId('backfill', '2024-03-10'), 'agent-metrics-default-daily-2024-03-11T02:00:00Z'])
      assert.equal(isBackfillWorkflowId(id), false, id);
  });

  it('reads the export back from every id that names one, hyphens in its name included', () => {
    for (const name of ['default', 'emea', 'acme-eu-2']) {
      assert.equal(exportOfWorkflowId(dayWorkflowId(name, '2024-03-10')), name);
      assert.equal(exportOfWorkflowId(`${dayWorkflowId(name, '2024-03-10')}-alerts`), name);
      assert.equal(exportOfWorkflowId(backfillWorkflowId(name, '2024-01-01', '2024-01-31')), name);
      assert.equal(exportOfWorkflowId(`${defaultScheduleId(name)}-2024-03-11T06:00:00Z`), name);
    }
    assert.equal(exportOfWorkflowId('nightly-2024-03-11T06:00:00Z'), undefined);
  });

  it('reads the nominal time the server appends to a scheduled run id', () => {
    assert.equal(
      nominalTimeFromWorkflowId('agent-metrics-default-daily-2024-03-11T06:00:00Z')?.toISOString(),
      '2024-03-11T06:00:00.000Z',
    );
    assert.equal(nominalTimeFromWorkflowId('agent-metrics-default-2024-03-10'), undefined);
  });
});
