import assert from 'node:assert/strict';
import { csvHeader, csvLines, formatCents } from '../../lib/csv-format';

describe('CSV formatting', () => {
  it('writes lengths as plain decimals with at most two decimals and no trailing zeros', () => {
    assert.equal(formatCents(243_700), '2437');
    assert.equal(formatCents(131_650), '1316.5');
    assert.equal(formatCents(324_890), '3248.9');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(0), '0');
    assert.equal(formatCents(12), '0.12');
    assert.equal(formatCents(2_147_483_647_00), '2147483647');
  });

  it('never uses an exponent or a thousands separator', () => {
    for (const cents of [1, 10, 100_000_000_000, 123_456_789_012]) {
      assert.match(formatCents(cents), /^\d+(\.\d{1,2})?$/);
    }
  });

  it('refuses a value that is not a whole number of hundredths', () => {
    assert.throws(() => formatCents(1.5), RangeError);
  });

  it('writes the header with \\n line ends and no BOM', () => {
    assert.equal(csvHeader(), 'agent_id,avg_call_length_sec,p90_call_length_sec,total_calls,date\n');
  });

  it('writes one row per agent in the given order', () => {
    const text = csvLines(
      [
        { agentId: '0a', calls: 3, avgCents: 131_650, p90Cents: 324_890 },
        { agentId: 'b1', calls: 1, avgCents: 243_700, p90Cents: 243_700 },
      ],
      '2024-03-10',
    );
    assert.equal(text, '0a,1316.5,3248.9,3,2024-03-10\nb1,2437,2437,1,2024-03-10\n');
    assert.equal(csvLines([], '2024-03-10'), '');
  });

  it('quotes a field per RFC 4180 when it holds a comma or a quote', () => {
    const text = csvLines([{ agentId: 'a,"b"', calls: 1, avgCents: 100, p90Cents: 100 }], '2024-03-10');
    assert.equal(text, '"a,""b""",1,1,1,2024-03-10\n');
  });
});
