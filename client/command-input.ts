import { DateTime } from 'luxon';
import type { ExportSettings } from '../lib/config';
import { BACKFILL_SELECTIONS, type BackfillSelection } from '../common/day-state';
import { addDays, dayRange, InvalidDayError, parseDay } from '../common/calendar';
import { UsageError } from '../lib/errors';
import { exportScope, type ExportTemplate } from '../common/export-types';
import { exportInput, fileSettings, NOT_OVER } from './export-input';

/** The longest range one command takes (ten years): keeps every workflow payload small. */
export const MAX_RANGE_DAYS = 3_660;

function day(option: string, value: string): string {
  try {
    return parseDay(value);
  } catch (err) {
    if (err instanceof InvalidDayError) throw new UsageError(`${option}: ${err.message}`);
    throw err;
  }
}

export function today(timezone: string): string {
  return DateTime.now().setZone(timezone).toISODate() ?? '';
}

/**
 * A date range from --from/--to: real calendar dates, from ≤ to, nothing after today in `timezone` (nor today itself
 * with `options.ended`: a range to export). When `defaults`
 * is given, a missing --to is yesterday and a missing --from is `defaults.days - 1` days before --to.
 */
export function rangeOption(
  opts: { from?: string; to?: string },
  timezone: string,
  defaults?: { days: number },
  options: { ended?: boolean } = {},
): { from: string; to: string; days: string[] } {
  const now = today(timezone);
  if (!defaults && opts.from === undefined) throw new UsageError('--from <YYYY-MM-DD> is required');
  if (!defaults && opts.to === undefined) throw new UsageError('--to <YYYY-MM-DD> is required');
  const to = opts.to === undefined ? addDays(now, -1) : day('--to', opts.to);
  const from = opts.from === undefined ? addDays(to, -((defaults?.days ?? 1) - 1)) : day('--from', opts.from);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (to > now) throw new UsageError(`--to ${to} is in the future (today is ${now} in ${timezone})`);
  if (to === now && options.ended) throw new UsageError(`--to ${to} is not over yet in ${timezone}: ${NOT_OVER}`);
  const days = dayRange(from, to);
  if (days.length > MAX_RANGE_DAYS)
    throw new UsageError(`the range holds ${days.length} days; at most ${MAX_RANGE_DAYS} at once`);
  return { from, to, days };
}

/** A whole number option within [min, max]. */
export function intOption(
  option: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${option}: expected a whole number from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

export function selectionOption(value: string | undefined): BackfillSelection {
  if (value === undefined) return 'all';
  if (!(BACKFILL_SELECTIONS as readonly string[]).includes(value)) {
    throw new UsageError(`--only: expected one of ${BACKFILL_SELECTIONS.join(', ')}, got '${value}'`);
  }
  return value as BackfillSelection;
}

/** The export settings every day of a schedule or backfill shares, from the starter's environment. */
export function exportTemplate(settings: ExportSettings & { readonly S3_BUCKET_NAME?: string }): ExportTemplate {
  const input = exportInput('2000-01-01', settings, { force: false, trigger: 'manual' });
  const { exportName, table, prefix, timezone, statuses, minRows, onEmpty, pollIntervalMs, waitTimeoutMs, deadline } =
    input;
  return {
    exportName,
    table,
    prefix,
    timezone,
    statuses,
    minRows,
    onEmpty,
    pollIntervalMs,
    waitTimeoutMs,
    ...fileSettings(settings),
    ...exportScope(input),
    ...(deadline !== undefined ? { deadline } : {}),
  };
}
