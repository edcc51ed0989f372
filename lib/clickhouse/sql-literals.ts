/**
 * ClickHouse SQL literals. ClickHouse 18.16 has no server-side query parameters, so every value that reaches SQL
 * text goes through one of these: each validates its input and throws a TypeError or RangeError instead of
 * emitting something the server would read differently.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
};

/** A single-quoted string literal; backslash, quote and control characters are escaped, other text kept as is. */
export function quoteString(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`expected a string, got ${typeof value}`);
  // eslint-disable-next-line no-control-regex
  const escaped = value.replace(/[\\'\u0000-\u001f\u007f]/g, (ch) => {
    return NAMED_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `'${escaped}'`;
}

/** A back-quoted identifier; only plain names (letters, digits, `_`, not starting with a digit) are accepted. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new RangeError(`not a plain SQL identifier (letters, digits, _): ${JSON.stringify(name)}`);
  }
  return `\`${name}\``;
}

/** `database`.`table`, both checked by quoteIdentifier. */
export function qualifiedName(database: string, table: string): string {
  return `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
}

/** An integer literal: a safe JS integer, or a bigint within Int64..UInt64. */
export function intLiteral(value: number | bigint): string {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > UINT64_MAX) throw new RangeError(`integer out of the 64-bit range: ${value}`);
    return value.toString();
  }
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return Object.is(value, -0) ? '0' : String(value);
}

/** A Float64 literal; always carries a decimal point or exponent, so ClickHouse never reads it as an integer type. */
export function floatLiteral(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RangeError(`not a finite number: ${String(value)}`);
  const text = String(Object.is(value, -0) ? 0 : value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A UUID value, `toUUID('…')` in canonical lowercase form (works on 18.16 and current ClickHouse). */
export function uuidLiteral(value: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new RangeError(`not a UUID: ${JSON.stringify(value)}`);
  return `toUUID('${value.toLowerCase()}')`;
}

/** A DateTime from Unix seconds, `toDateTime(…)`: an instant, independent of the server's time zone. */
export function dateTimeLiteral(epochSeconds: number): string {
  if (!Number.isSafeInteger(epochSeconds) || epochSeconds < 0 || epochSeconds > 0xffffffff) {
    throw new RangeError(`not a DateTime in Unix seconds (0..4294967295): ${String(epochSeconds)}`);
  }
  return `toDateTime(${epochSeconds})`;
}

/** An array literal `[a, b, …]`, each element formatted by `format` (one of the functions above). */
export function arrayLiteral<T>(values: readonly T[], format: (value: T) => string): string {
  return `[${values.map((v) => format(v)).join(', ')}]`;
}
