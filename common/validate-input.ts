/**
 * Validation of workflow and activity inputs (docs/contract.md §7): a workflow checks its input first thing and an
 * activity checks its own before any I/O, so a run started by hand (`temporal workflow start --input …`) meets the
 * same rules as one the commands start. A bad input is a non-retryable `InvalidInputError` naming every bad field.
 */
import { ApplicationFailure } from '@temporalio/common';
import { BACKFILL_SELECTIONS } from './day-state';
import {
  intIn,
  isBoolean,
  isColumnList,
  isBucket,
  isDay,
  isDqLimit,
  isFormat,
  isDeadline,
  isIdentifier,
  isPrefix,
  isStatusList,
  isUuid,
  isZoneName,
  MAX_WAIT_TIMEOUT_MS,
  oneOf,
  pollProblem,
  type Check,
} from './input-rules';

export const INVALID_INPUT = 'InvalidInputError';
const TRIGGERS = ['manual', 'scheduled', 'lookback', 'backfill'];
const MAX_RANGE_DAYS = 3_660;

type Rules = Readonly<Record<string, Check>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problems of `input` against `rules` (every rule's field is required), each as 'path.field: what is wrong'. */
function problemsOf(input: unknown, rules: Rules, path: string): string[] {
  if (!isObject(input)) return [`${path || 'input'}: expected an object`];
  const out: string[] = [];
  for (const [field, check] of Object.entries(rules)) {
    const problem = check(input[field]);
    if (problem) out.push(`${path}${field}: ${problem}`);
  }
  return out;
}

const TEMPLATE: Rules = {
  table: isIdentifier,
  prefix: isPrefix,
  timezone: isZoneName,
  statuses: isStatusList,
  minRows: intIn(1, 1_000_000_000),
  onEmpty: oneOf(['fail', 'publish']),
  pollIntervalMs: intIn(0, MAX_WAIT_TIMEOUT_MS),
  waitTimeoutMs: intIn(0, MAX_WAIT_TIMEOUT_MS),
};

/** EXPORT_NAME's form (docs/contract.md §5): it becomes part of workflow ids. Absent in inputs of older schedules. */
const EXPORT_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** Fields a template may leave out (docs/contract.md §9): checked when present. */
const OPTIONAL_TEMPLATE: Rules = { format: isFormat, columns: isColumnList, dq: isDqLimit };

function optionalProblems(t: unknown, rules: Rules, path: string): string[] {
  if (!isObject(t)) return [];
  const present = Object.fromEntries(Object.entries(rules).filter(([field]) => t[field] !== undefined));
  return problemsOf(t, present, path);
}

/** The optional fields of a template (docs/contract.md §11): absent means the worker's bucket and every customer. */
const SCOPE: Rules = { bucket: isBucket, customerId: isUuid };

function templateProblems(t: unknown, path: string): string[] {
  const out = [...problemsOf(t, TEMPLATE, path), ...optionalProblems(t, OPTIONAL_TEMPLATE, path)];
  if (
    isObject(t) &&
    t.exportName !== undefined &&
    !(typeof t.exportName === 'string' && EXPORT_NAME.test(t.exportName))
  ) {
    out.push(`${path}exportName: expected a short name of a-z, 0-9 and - (at most 41 characters)`);
  }
  if (isObject(t) && t.deadline !== undefined) {
    const problem = isDeadline(t.deadline);
    if (problem) out.push(`${path}deadline: ${problem}`);
  }
  out.push(...optionalProblems(t, SCOPE, path));
  if (out.length === 0 && isObject(t)) {
    const poll = pollProblem(t.pollIntervalMs as number, t.waitTimeoutMs as number);
    if (poll) out.push(`${path}pollIntervalMs: ${poll}`);
  }
  return out;
}

export function exportDayProblems(input: unknown): string[] {
  const out = [
    ...problemsOf(input, { date: isDay, force: isBoolean, trigger: oneOf(TRIGGERS) }, ''),
    ...templateProblems(input, ''),
  ];
  if (isObject(input) && input.precomputed !== undefined && !isObject(input.precomputed)) {
    out.push('precomputed: expected an object');
  }
  return out;
}

export function backfillProblems(input: unknown): string[] {
  const out = problemsOf(
    input,
    {
      from: isDay,
      to: isDay,
      concurrency: intIn(1, 32),
      force: isBoolean,
      only: oneOf(BACKFILL_SELECTIONS),
      chunkDays: intIn(1, 92),
    },
    '',
  );
  if (!isObject(input)) return out;
  out.push(...templateProblems(input.template, 'template.'));
  if (input.queryThreads !== undefined) out.push(...problemsOf(input, { queryThreads: intIn(0, 256) }, ''));
  if (input.carried !== undefined) out.push(...problemsOf(input.carried, { next: isDay }, 'carried.'));
  const { from, to } = input;
  if (out.length === 0 && typeof from === 'string' && typeof to === 'string') {
    if (from > to) out.push(`from: ${from} is after to ${to}`);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days > MAX_RANGE_DAYS) out.push(`to: the range holds ${days} days; at most ${MAX_RANGE_DAYS}`);
  }
  return out;
}

export function scheduledProblems(input: unknown): string[] {
  const out = problemsOf(input, { scheduleTimezone: isZoneName, lookbackDays: intIn(0, 31) }, '');
  if (!isObject(input)) return out;
  out.push(...templateProblems(input.template, 'template.'));
  const nominal = input.nominalTime;
  if (nominal !== undefined && (typeof nominal !== 'string' || Number.isNaN(Date.parse(nominal)))) {
    out.push(`nominalTime: expected an ISO instant such as 2024-05-01T02:00:00Z, got ${JSON.stringify(nominal)}`);
  }
  return out;
}

/** Rules for the fields an activity input may carry, by name: each present field is checked. */
const ACTIVITY_FIELDS: Rules = {
  date: isDay,
  timezone: isZoneName,
  scheduleTimezone: isZoneName,
  table: isIdentifier,
  prefix: isPrefix,
  statuses: isStatusList,
  minRows: intIn(1, 1_000_000_000),
  lookbackDays: intIn(0, 31),
  maxThreads: intIn(0, 256),
  only: oneOf(BACKFILL_SELECTIONS),
  format: isFormat,
  columns: isColumnList,
  deadline: isDeadline,
  ...SCOPE,
};

/** The problems of an activity's input: every known field present (also in `template`), and each of `days`. */
export function activityInputProblems(input: unknown): string[] {
  if (!isObject(input)) return ['input: expected an object'];
  const out: string[] = [];
  const check = (obj: Record<string, unknown>, path: string) =>
    out.push(...optionalProblems(obj, ACTIVITY_FIELDS, path));
  check(input, '');
  if (isObject(input.template)) check(input.template, 'template.');
  if (input.days !== undefined) {
    if (!Array.isArray(input.days) || input.days.length > MAX_RANGE_DAYS) out.push('days: expected a list of dates');
    else for (const [i, d] of input.days.entries()) if (isDay(d)) out.push(`days[${i}]: ${isDay(d)}`);
  }
  return out;
}

/** A non-retryable failure naming every problem: what a workflow or activity throws for a bad input. */
export function invalidInput(what: string, problems: readonly string[]): ApplicationFailure {
  return ApplicationFailure.create({
    message: `invalid ${what} input: ${problems.join('; ')}`,
    type: INVALID_INPUT,
    nonRetryable: true,
    details: [problems],
  });
}

/** Returns `input` as T when it has no problems; else throws invalidInput (non-retryable). */
export function validated<T>(what: string, input: unknown, problems: (input: unknown) => string[]): T {
  const found = problems(input);
  if (found.length > 0) throw invalidInput(what, found);
  return input as T;
}

/** A day's alerts workflow input (common/alert-types.ts): the export's name, the day and where to look at it. */
export function dayAlertsProblems(input: unknown): string[] {
  const out = problemsOf(
    input,
    { date: isDay, timezone: isZoneName, table: isIdentifier, prefix: isPrefix, minRows: intIn(1, 1_000_000_000) },
    '',
  );
  if (!isObject(input)) return out;
  if (!(typeof input.exportName === 'string' && EXPORT_NAME.test(input.exportName))) {
    out.push('exportName: expected a short name of a-z, 0-9 and - (at most 41 characters)');
  }
  if (input.deadline !== undefined && isDeadline(input.deadline)) out.push(`deadline: ${isDeadline(input.deadline)}`);
  out.push(...optionalProblems(input, SCOPE, ''));
  return out;
}
