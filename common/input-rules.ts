/**
 * The rules for every value a run takes from outside (environment, command line, workflow input, activity input),
 * as plain checks so workflow code, activities and lib/config.ts share them. Each check returns what is wrong
 * (a phrase that completes "field: …") or undefined. Time zone *names* are checked here by shape only: whether a
 * zone exists, and its canonical name, need the time zone database (lib/days/time-zone.ts).
 */
import { CALL_STATUSES } from './call-status';
import { METRIC_COLUMNS, isMetricColumn } from './metric-columns';
import { OUTPUT_FORMATS, isOutputFormat } from './output-format';

export type Check = (value: unknown) => string | undefined;

/** More polls would crowd the run's history: each poll is a timer and an activity, about 10 events (720 polls: ~7,000). */
export const MAX_DATA_POLLS = 720;
/** The shortest wait between two looks at the source table. */
export const MIN_POLL_INTERVAL_MS = 1_000;
/** The longest a run waits for data (a week). */
export const MAX_WAIT_TIMEOUT_MS = 7 * 86_400_000;
/** The longest S3 key prefix taken (S3 keys are at most 1024 bytes; the day's own part needs about 50). */
export const MAX_PREFIX_LENGTH = 512;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIX_CHARS = /^[A-Za-z0-9!_.*'()\-/]*$/;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** DateTime holds 1970…2106: the first and last days whose windows fit in every time zone. */
const FIRST_DAY = '1970-01-02';
const LAST_DAY = '2105-12-31';

const shown = (value: unknown): string =>
  typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? 'undefined');

export const isDay: Check = (v) => {
  if (typeof v !== 'string' || !DAY.test(v)) return `expected a date as YYYY-MM-DD, got ${shown(v)}`;
  const ms = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) return `${shown(v)} is not a calendar date`;
  if (v < FIRST_DAY || v > LAST_DAY) return `${shown(v)} is outside ${FIRST_DAY}…${LAST_DAY}`;
  return undefined;
};

export const isZoneName: Check = (v) =>
  typeof v === 'string' && ZONE_NAME.test(v) && !v.includes('..')
    ? undefined
    : `expected an IANA time zone name such as UTC or America/New_York, got ${shown(v)}`;

export const isIdentifier: Check = (v) =>
  typeof v === 'string' && IDENTIFIER.test(v) && v.length <= 128
    ? undefined
    : `expected a plain identifier (letters, digits, _; not starting with a digit), got ${shown(v)}`;

/** An S3 key prefix: segments of safe characters joined by '/', none empty, '.' or '..'; no '/' at either end. */
export const isPrefix: Check = (v) => {
  if (typeof v !== 'string') return `expected a key prefix, got ${shown(v)}`;
  if (!PREFIX_CHARS.test(v)) return `expected a key prefix of letters, digits and !_.*'()-/, got ${shown(v)}`;
  if (v.length > MAX_PREFIX_LENGTH) return `expected a key prefix of at most ${MAX_PREFIX_LENGTH} characters`;
  if (v === '') return undefined;
  const bad = v.split('/').find((s) => s === '' || s === '.' || s === '..');
  if (bad !== undefined) {
    return `${shown(v)} has an ${bad === '' ? "empty segment ('//' or a '/' at an end)" : `'${bad}' segment`}; S3 keys must not`;
  }
  return undefined;
};

export const isStatusList: Check = (v) => {
  const names = `expected a non-empty list of distinct call statuses (${CALL_STATUSES.join(', ')}), got ${shown(v)}`;
  if (!Array.isArray(v) || v.length === 0 || new Set(v).size !== v.length) return names;
  const unknown = v.find((s) => !(CALL_STATUSES as readonly unknown[]).includes(s));
  return unknown === undefined ? undefined : `unknown call status ${shown(unknown)} (${CALL_STATUSES.join(', ')})`;
};

export const isFormat: Check = (v) =>
  isOutputFormat(v) ? undefined : `expected one of ${OUTPUT_FORMATS.join(', ')}, got ${shown(v)}`;

/** METRIC_COLUMNS as a workflow carries it: distinct column names of docs/contract.md §9 (may be empty). */
export const isColumnList: Check = (v) => {
  const names = `expected a list of distinct optional columns (${METRIC_COLUMNS.join(', ')}), got ${shown(v)}`;
  if (!Array.isArray(v) || new Set(v).size !== v.length) return names;
  const unknown = v.find((c) => !isMetricColumn(c));
  return unknown === undefined ? undefined : `unknown column ${shown(unknown)} (${METRIC_COLUMNS.join(', ')})`;
};

/** The data-quality limit: `{ maxLeftOutShare: 0…1, mode: 'warn' | 'fail' }`. */
export const isDqLimit: Check = (v) => {
  const expected = `expected { maxLeftOutShare: a fraction from 0 to 1, mode: 'warn' or 'fail' }, got ${shown(v)}`;
  if (typeof v !== 'object' || v === null) return expected;
  const { maxLeftOutShare: share, mode } = v as Record<string, unknown>;
  const shareOk = typeof share === 'number' && share >= 0 && share <= 1;
  return shareOk && (mode === 'warn' || mode === 'fail') ? undefined : expected;
};

export const intIn =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max
      ? undefined
      : `expected a whole number from ${min} to ${max}, got ${shown(v)}`;

export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `expected one of ${values.join(', ')}, got ${shown(v)}`;

/** An S3 bucket name by AWS's general-purpose rules (also what MinIO takes). */
export const isBucket: Check = (v) => {
  if (typeof v !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)) {
    return `expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens; a letter or digit at each end), got ${shown(v)}`;
  }
  if (/\.\.|\.-|-\./.test(v)) return `expected no '..', '.-' or '-.' in a bucket name, got ${shown(v)}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return `expected a bucket name, not an IP address, got ${shown(v)}`;
  return undefined;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A UUID in lowercase canonical form (a customer_id: docs/contract.md §11). */
export const isUuid: Check = (v) =>
  typeof v === 'string' && UUID.test(v)
    ? undefined
    : `expected a lowercase UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, got ${shown(v)}`;

export const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : `expected true or false, got ${shown(v)}`);

/** How often and how long a run looks for data: a poll interval of 1 s or more, and at most MAX_DATA_POLLS polls. */
export function pollProblem(pollIntervalMs: number, waitTimeoutMs: number): string | undefined {
  if (pollIntervalMs < MIN_POLL_INTERVAL_MS) return `a poll interval of ${pollIntervalMs} ms is under 1 second`;
  const polls = Math.floor(waitTimeoutMs / pollIntervalMs);
  if (polls > MAX_DATA_POLLS) {
    const least = Math.ceil(waitTimeoutMs / MAX_DATA_POLLS / 1000);
    return (
      `waiting ${Math.round(waitTimeoutMs / 1000)} s polling every ${Math.round(pollIntervalMs / 1000)} s makes ` +
      `${polls} polls, more than ${MAX_DATA_POLLS} (a run's history must stay small): poll every ${least} s or more`
    );
  }
  return undefined;
}

/** DELIVERY_DEADLINE: a local time of day `HH:MM` (docs/contract.md §10). */
export const isDeadline: Check = (v) =>
  typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v)
    ? undefined
    : `expected a local time of day as HH:MM (such as 07:00), got ${shown(v)}`;
