import assert from 'node:assert/strict';
import {
  arrayLiteral,
  dateTimeLiteral,
  floatLiteral,
  intLiteral,
  qualifiedName,
  quoteIdentifier,
  quoteString,
  uuidLiteral,
} from '../../lib/clickhouse/sql-literals';

describe('sql literals', () => {
  describe('quoteString', () => {
    it('wraps plain text in single quotes unchanged', () => {
      assert.equal(quoteString('Answered'), "'Answered'");
      assert.equal(quoteString(''), "''");
    });

    it('escapes quotes and backslashes so the literal cannot be closed early', () => {
      assert.equal(quoteString("O'Brien"), "'O\\'Brien'");
      assert.equal(quoteString('a\\b'), "'a\\\\b'");
      assert.equal(quoteString("\\'; DROP TABLE t; --"), "'\\\\\\'; DROP TABLE t; --'");
    });

    it('escapes control characters and keeps other Unicode text as is', () => {
      assert.equal(quoteString('a\nb\tc\rd\0e'), "'a\\nb\\tc\\rd\\0e'");
      assert.equal(quoteString('\u0001\u001f\u007f'), "'\\x01\\x1f\\x7f'");
      assert.equal(quoteString('Zoë – 東京 😀'), "'Zoë – 東京 😀'");
    });

    it('rejects values that are not strings', () => {
      assert.throws(() => quoteString(42 as unknown as string), TypeError);
    });
  });

  describe('quoteIdentifier', () => {
    it('back-quotes plain names', () => {
      assert.equal(quoteIdentifier('conversations'), '`conversations`');
      assert.equal(quoteIdentifier('_t1'), '`_t1`');
      assert.equal(qualifiedName('agent_metrics', 'conv_01'), '`agent_metrics`.`conv_01`');
    });

    for (const bad of ['', '1abc', 'a-b', 'a b', 'a`b', 'a.b', 'tablé', 'a;DROP', 'x\n']) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        assert.throws(() => quoteIdentifier(bad), RangeError);
      });
    }
  });

  describe('intLiteral', () => {
    it('prints safe integers and 64-bit bigints in decimal', () => {
      assert.equal(intLiteral(0), '0');
      assert.equal(intLiteral(-0), '0');
      assert.equal(intLiteral(-42), '-42');
      assert.equal(intLiteral(Number.MAX_SAFE_INTEGER), '9007199254740991');
      assert.equal(intLiteral(2n ** 64n - 1n), '18446744073709551615');
      assert.equal(intLiteral(-(2n ** 63n)), '-9223372036854775808');
    });

    for (const bad of [1.5, NaN, Infinity, 2 ** 53, 2n ** 64n, -(2n ** 63n) - 1n]) {
      it(`rejects ${String(bad)}`, () => {
        assert.throws(() => intLiteral(bad), RangeError);
      });
    }
  });

  describe('floatLiteral', () => {
    it('always prints a decimal point or an exponent', () => {
      assert.equal(floatLiteral(2), '2.0');
      assert.equal(floatLiteral(-0), '0.0');
      assert.equal(floatLiteral(0.72), '0.72');
      assert.equal(floatLiteral(-1.5), '-1.5');
      assert.equal(floatLiteral(1e-7), '1e-7');
      assert.equal(floatLiteral(1e21), '1e+21');
    });

    for (const bad of [NaN, Infinity, -Infinity]) {
      it(`rejects ${String(bad)}`, () => {
        assert.throws(() => floatLiteral(bad), RangeError);
      });
    }
  });

  describe('uuidLiteral', () => {
    it('converts a UUID with toUUID in lowercase', () => {
      assert.equal(
        uuidLiteral('61F0C404-5CB3-11E7-907B-A6006AD3DBA0'),
        "toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')",
      );
    });

    for (const bad of ['', 'not-a-uuid', '61f0c4045cb311e7907ba6006ad3dba0', "61f0c404-5cb3-11e7-907b-a6006ad3dba0'"]) {
      it(`rejects ${JSON.stringify(bad)}`, () => {
        assert.throws(() => uuidLiteral(bad), RangeError);
      });
    }
  });

  describe('dateTimeLiteral', () => {
    it('builds a DateTime from Unix seconds', () => {
      assert.equal(dateTimeLiteral(1710046800), 'toDateTime(1710046800)');
    });

    it('rejects fractions and instants outside the DateTime range', () => {
      for (const bad of [1.5, -1, 2 ** 32, NaN]) assert.throws(() => dateTimeLiteral(bad), RangeError);
    });
  });

  describe('arrayLiteral', () => {
    it('formats each element with the given formatter, nested or empty', () => {
      assert.equal(arrayLiteral([], quoteString), '[]');
      assert.equal(arrayLiteral(["it's", 'b'], quoteString), "['it\\'s', 'b']");
      assert.equal(arrayLiteral([1, 2.5], floatLiteral), '[1.0, 2.5]');
      assert.equal(
        arrayLiteral([['a'], []], (xs) => arrayLiteral(xs, quoteString)),
        "[['a'], []]",
      );
    });

    it('propagates a formatter rejecting an element', () => {
      assert.throws(() => arrayLiteral([1, 1.5], intLiteral), RangeError);
    });
  });
});
