import assert from 'node:assert/strict';
import { dayWorkflowId, nominalTimeFromWorkflowId } from '../../common/workflow-ids';

describe('workflow ids', () => {
  it('names the one workflow id a day has, as the export command does', () => {
    assert.equal(dayWorkflowId('2024-03-10'), 'agent-metrics-2024-03-10');
  });

  it('reads the nominal time the server appends to a scheduled run id', () => {
    assert.equal(
      nominalTimeFromWorkflowId('agent-metrics-daily-2024-03-11T06:00:00Z')?.toISOString(),
      '2024-03-11T06:00:00.000Z',
    );
    assert.equal(nominalTimeFromWorkflowId('agent-metrics-2024-03-10'), undefined);
  });
});
