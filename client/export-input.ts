import { DateTime } from 'luxon';
import type { ExportSettings } from '../lib/config';
import { InvalidDayError, parseDay } from '../common/calendar';
import type { RunTrigger } from '../common/day-state';
import { UsageError } from '../lib/errors';
import type { ExportDayInput } from '../common/export-types';

/** Why today is refused: its window has not ended, so its data is not complete (docs/contract.md §5). */
export const NOT_OVER = 'a day is exported once it has ended in the export time zone';

/** The day to export: --date, else TARGET_DATE, else yesterday in EXPORT_TIMEZONE. Today and future days are refused. */
export function resolveExportDay(explicit: string | undefined, env: NodeJS.ProcessEnv, timezone: string): string {
  const today = DateTime.now().setZone(timezone).toISODate() ?? '';
  const chosen =
    explicit ?? (env.TARGET_DATE || undefined) ?? DateTime.now().setZone(timezone).minus({ days: 1 }).toISODate() ?? '';
  const source = explicit !== undefined ? '--date' : env.TARGET_DATE ? 'TARGET_DATE' : 'yesterday';
  try {
    parseDay(chosen);
  } catch (err) {
    if (err instanceof InvalidDayError) throw new UsageError(`${source}: ${err.message}`);
    throw err;
  }
  if (chosen > today) throw new UsageError(`${source}: ${chosen} is in the future (today is ${today} in ${timezone})`);
  if (chosen === today) throw new UsageError(`${source}: ${chosen} is not over yet in ${timezone}: ${NOT_OVER}`);
  return chosen;
}

/**
 * A day's workflow input from the starter's settings: what is recorded in history and shown in the Web UI. The bucket
 * is set only for an export of EXPORTS_FILE that names one (lib/exports); unset, the worker's S3_BUCKET_NAME.
 */
export function exportInput(
  date: string,
  settings: ExportSettings & { readonly S3_BUCKET_NAME?: string | undefined },
  options: { force: boolean; trigger: RunTrigger },
): ExportDayInput {
  return {
    exportName: settings.EXPORT_NAME,
    date,
    table: settings.CLICKHOUSE_TABLE,
    prefix: settings.S3_PREFIX,
    timezone: settings.EXPORT_TIMEZONE,
    statuses: settings.INCLUDE_STATUSES,
    minRows: settings.MIN_ROWS,
    onEmpty: settings.ON_EMPTY,
    pollIntervalMs: settings.DATA_POLL_INTERVAL,
    waitTimeoutMs: settings.DATA_WAIT_TIMEOUT,
    ...(settings.DELIVERY_DEADLINE !== undefined ? { deadline: settings.DELIVERY_DEADLINE } : {}),
    force: options.force,
    trigger: options.trigger,
    ...(settings.S3_BUCKET_NAME !== undefined ? { bucket: settings.S3_BUCKET_NAME } : {}),
    ...(settings.CUSTOMER_ID !== undefined ? { customerId: settings.CUSTOMER_ID } : {}),
    ...fileSettings(settings),
  };
}

/** OUTPUT_FORMAT, METRIC_COLUMNS and the data-quality limit (docs/contract.md §9), each only when set. */
export function fileSettings(settings: ExportSettings): Pick<ExportDayInput, 'format' | 'columns' | 'dq'> {
  return {
    ...(settings.OUTPUT_FORMAT !== 'csv' ? { format: settings.OUTPUT_FORMAT } : {}),
    ...(settings.METRIC_COLUMNS.length > 0 ? { columns: settings.METRIC_COLUMNS } : {}),
    ...(settings.DQ_MAX_LEFT_OUT_SHARE !== undefined
      ? { dq: { maxLeftOutShare: settings.DQ_MAX_LEFT_OUT_SHARE, mode: settings.DQ_MODE } }
      : {}),
  };
}
