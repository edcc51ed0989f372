import assert from 'node:assert/strict';
import { CLICKHOUSE_ERROR_RULES, classifyClickHouseError } from '../../lib/clickhouse/errors';

/** ClickHouse 18.16's error text (the client throws a plain Error with it). */
function serverError(code: number, text: string): Error {
  return new Error(`Code: ${code}, e.displayText() = DB::Exception: ${text}, e.what() = DB::Exception`);
}

// Messages as ClickHouse 18.16 sends them (most taken from the local stack's server); the verdicts are written here
// from the reasoning of the task (a limit hit by the same query at the same settings is permanent), not read from
// the table.
const EXPECTED: ReadonlyArray<[code: number, retried: boolean, text: string]> = [
  [10, false, 'Not found column x in block'],
  [16, false, 'There is no column x in table'],
  [36, false, 'Bad arguments for function'],
  [43, false, 'Illegal type Int8 of argument of function range'],
  [46, false, 'Unknown function nosuch'],
  [47, false, 'Unknown identifier: call_end'],
  [53, false, 'Type mismatch in IN or VALUES section'],
  [60, false, "Table agent_metrics.no_such_table doesn't exist."],
  [62, false, 'Syntax error: failed at position 1'],
  [81, false, "Database nosuch doesn't exist"],
  [288, false, "Double-distributed IN/JOIN subqueries is denied (distributed_product_mode = 'deny')"],
  [115, false, 'Unknown setting no_such_setting_x'],
  [158, false, 'Limit for rows to read exceeded: 1000 rows read (or to read), maximum: 10'],
  [159, false, 'Timeout exceeded: elapsed 1.000000046 seconds, maximum: 1'],
  [164, false, 'Cannot execute query in readonly mode'],
  [192, false, 'Unknown user nobody'],
  [193, false, 'Wrong password for user default'],
  [194, false, 'Password required for user default'],
  [195, false, 'User default is not allowed to connect from address 10.0.0.1'],
  [202, true, 'Too many simultaneous queries. Maximum: 100'],
  [209, true, 'Timeout exceeded while reading from socket'],
  [210, true, 'Net Exception: Connection reset by peer'],
  [
    241,
    false,
    'Memory limit (for query) exceeded: would use 3.00 MiB (attempt to allocate chunk of 47 bytes), maximum: 1000.00 B',
  ],
  [
    241,
    true,
    'Memory limit (total) exceeded: would use 9.32 GiB (attempt to allocate chunk of 4 bytes), maximum: 9.31 GiB',
  ],
  [241, true, 'Memory limit (for user) exceeded: would use 9.32 GiB, maximum: 9.31 GiB'],
  [394, true, 'Query was cancelled'],
  [395, false, "Value passed to 'throwIf' function is non zero"],
  [396, false, 'Limit for result exceeded, max rows: 1.00, current rows: 10.00'],
  [497, false, 'default: Not enough privileges'],
  [516, false, 'default: Authentication failed: password is incorrect or there is no user with such name'],
  [1002, true, 'Some error a newer server sends'],
];

describe('ClickHouse error classification', () => {
  for (const [code, retried, text] of EXPECTED) {
    it(`${retried ? 'retries' : 'does not retry'} code ${code}: ${text.slice(0, 40)}`, () => {
      const err = classifyClickHouseError(serverError(code, text));
      assert.equal(err.code, code);
      assert.equal(err.permanent, !retried);
      assert.ok(err.message.includes(text), 'keeps the server message');
      assert.doesNotMatch(err.message, /e\.what\(\)/);
      assert.match(err.message, retried ? /\(retried: .+\)$/ : /\(not retried: .+\)$/);
    });
  }

  it('has an expectation above for every row of the table', () => {
    const missing = CLICKHOUSE_ERROR_RULES.filter(
      (rule) => !EXPECTED.some(([code, , text]) => code === rule.code && (rule.message?.test(text) ?? true)),
    );
    assert.deepEqual(missing, []);
  });

  it('retries errors without a server code: refused or reset connections, the request timeout, an abort', () => {
    for (const message of [
      'connect ECONNREFUSED 127.0.0.1:8123',
      'socket hang up',
      'Timeout error.',
      'The user aborted a request.',
    ]) {
      const err = classifyClickHouseError(new Error(message));
      assert.equal(err.code, undefined);
      assert.equal(err.permanent, false, message);
    }
  });

  it('reads the code a current server puts on the error object', () => {
    const err = classifyClickHouseError(Object.assign(new Error('Memory limit (for query) exceeded'), { code: '241' }));
    assert.equal(err.code, 241);
    assert.equal(err.permanent, true);
  });
});
