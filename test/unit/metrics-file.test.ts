import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { MetricsFileError, parseDeliveredFile } from '../../lib/dashboard/metrics-file';

const HEADER = 'agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\n';

describe('parseDeliveredFile', () => {
  it("reads each agent's avg, p90 and calls from a delivered CSV as numbers", async () => {
    const csv = `${HEADER}0a1b,49,81.4,5,2024-03-10\nff00,1316.5,2437,12,2024-03-10\n`;
    assert.deepEqual(await parseDeliveredFile(Buffer.from(csv), 'csv'), [
      { agentId: '0a1b', avg: 49, p90: 81.4, calls: 5 },
      { agentId: 'ff00', avg: 1316.5, p90: 2437, calls: 12 },
    ]);
  });

  it('reads the same rows from a gzipped JSON lines file, and a header-only CSV or empty JSON lines as no rows', async () => {
    const jsonl =
      '{"agent_id":"0a1b","avg_call_length_sec":49,"p90_call_length_sec":81.4,"total_calls":5,"date":"2024-03-10"}\n';
    assert.deepEqual(await parseDeliveredFile(gzipSync(jsonl), 'jsonl.gz'), [
      { agentId: '0a1b', avg: 49, p90: 81.4, calls: 5 },
    ]);
    assert.deepEqual(await parseDeliveredFile(Buffer.from(''), 'jsonl'), []);
    assert.deepEqual(await parseDeliveredFile(Buffer.from(HEADER), 'csv'), []);
  });

  it('refuses a file whose header is not the five columns', async () => {
    await assert.rejects(
      parseDeliveredFile(Buffer.from('agent,avg\n0a1b,49\n'), 'csv'),
      (err: unknown) => err instanceof MetricsFileError && /the header is not agent_id,|not a number/.test(err.message),
    );
  });

  it('refuses a row with an empty or non-numeric figure or too few fields', async () => {
    for (const line of ['0a1b,,81.4,5,2024-03-10', '0a1b,49,x,5,2024-03-10', '0a1b,49,81.4']) {
      await assert.rejects(
        parseDeliveredFile(Buffer.from(`${HEADER}${line}\n`), 'csv'),
        (err: unknown) => err instanceof MetricsFileError && /no value|not a number|line 2: 3 fields/.test(err.message),
        line,
      );
    }
  });
});
