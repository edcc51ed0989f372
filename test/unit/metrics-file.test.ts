import assert from 'node:assert/strict';
import { MetricsFileError, parseDeliveredFile } from '../../lib/dashboard/metrics-file';

const HEADER = 'agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\n';

describe('parseDeliveredFile', () => {
  it("reads each agent's avg, p90 and calls from a delivered CSV as numbers", () => {
    const csv = `${HEADER}0a1b,49,81.4,5,2024-03-10\nff00,1316.5,2437,12,2024-03-10\n`;
    assert.deepEqual(parseDeliveredFile(Buffer.from(csv), 'csv'), [
      { agentId: '0a1b', avg: 49, p90: 81.4, calls: 5 },
      { agentId: 'ff00', avg: 1316.5, p90: 2437, calls: 12 },
    ]);
  });

  it('reads a header-only file (a day without calls) as no rows', () => {
    assert.deepEqual(parseDeliveredFile(Buffer.from(HEADER), 'csv'), []);
  });

  it('refuses a file whose header is not the five columns', () => {
    assert.throws(
      () => parseDeliveredFile(Buffer.from('agent,avg\n0a1b,49\n'), 'csv'),
      (err: unknown) => err instanceof MetricsFileError && /the header is not agent_id,/.test(err.message),
    );
  });

  it('refuses a row with an empty or non-numeric figure, naming its line', () => {
    for (const line of ['0a1b,,81.4,5,2024-03-10', '0a1b,49,x,5,2024-03-10', '0a1b,49,81.4']) {
      assert.throws(
        () => parseDeliveredFile(Buffer.from(`${HEADER}${line}\n`), 'csv'),
        (err: unknown) => err instanceof MetricsFileError && /line 2 is not an agent's metrics/.test(err.message),
        line,
      );
    }
  });
});
