import type { ExportDayInput } from './export-types';

/**
 * The settings of a day's run that change its file, as a run records them in its memo (`RUN_SETTINGS_MEMO`) so a
 * second start for the same day can tell whether it asks for the same thing (docs/contract.md §5). The bucket and
 * the customer filter are recorded only when set (unset: the worker's bucket, every customer), so runs started
 * before they existed compare equal to starts that leave them unset.
 */
export interface RunSettings {
  readonly table: string;
  readonly prefix: string;
  readonly timezone: string;
  readonly statuses: string;
  readonly minRows: number;
  readonly onEmpty: string;
  readonly force: boolean;
  /** OUTPUT_FORMAT, METRIC_COLUMNS (comma list) and the data-quality limit ('0.05 fail', or 'none'). */
  readonly format: string;
  readonly columns: string;
  readonly dq: string;
  readonly bucket?: string;
  readonly customerId?: string;
}

/** What the settings added later mean when a run recorded none (it was started before they existed). */
const ADDED_LATER: Partial<RunSettings> = { format: 'csv', columns: '', dq: 'none' };

/** The memo key under which every day's run records its RunSettings. */
export const RUN_SETTINGS_MEMO = 'exportSettings';

export function runSettings(input: ExportDayInput): RunSettings {
  return {
    table: input.table,
    prefix: input.prefix,
    timezone: input.timezone,
    statuses: [...input.statuses].join(','),
    minRows: input.minRows,
    onEmpty: input.onEmpty,
    force: input.force,
    format: input.format ?? 'csv',
    columns: [...(input.columns ?? [])].join(','),
    dq: input.dq ? `${input.dq.maxLeftOutShare} ${input.dq.mode}` : 'none',
    ...(input.bucket !== undefined ? { bucket: input.bucket } : {}),
    ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
  };
}

const NAMES: Record<keyof RunSettings, string> = {
  table: 'table (CLICKHOUSE_TABLE)',
  prefix: 'prefix (S3_PREFIX)',
  timezone: 'time zone (EXPORT_TIMEZONE)',
  statuses: 'statuses (INCLUDE_STATUSES)',
  minRows: 'MIN_ROWS',
  onEmpty: 'ON_EMPTY',
  force: '--force',
  format: 'OUTPUT_FORMAT',
  columns: 'METRIC_COLUMNS',
  dq: 'DQ_MAX_LEFT_OUT_SHARE and DQ_MODE',
  bucket: 'bucket (S3_BUCKET_NAME)',
  customerId: 'customer (CUSTOMER_ID)',
};

/** Settings whose absence means something (the worker's bucket, every customer), not "not recorded". */
const OPTIONAL: ReadonlySet<keyof RunSettings> = new Set(['bucket', 'customerId']);

/**
 * Each setting in which `wanted` differs from the `running` run's, as "<name>: running X, this start Y". A start
 * without --force is satisfied by a forced run (it re-exports, which is what an unforced start may also do), so only
 * a forced start meeting an unforced run counts as a difference in force.
 */
export function settingDifferences(running: Partial<RunSettings>, wanted: RunSettings): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(NAMES) as (keyof RunSettings)[]) {
    const a = running[key] ?? ADDED_LATER[key];
    const b = wanted[key];
    if (key === 'force' ? b === true && a !== true : a !== b) {
      const shown = (v: unknown) => (v === undefined && OPTIONAL.has(key) ? 'unset' : show(v));
      differences.push(`${NAMES[key]}: running ${shown(a)}, this start ${shown(b)}`);
    }
  }
  return differences;
}

function show(value: unknown): string {
  return value === undefined ? '(not recorded)' : `'${String(value)}'`;
}

/** The one message of a refused start, for the person at the terminal and a backfill's or schedule's day alike. */
export function conflictMessage(workflowId: string, runId: string, differences: readonly string[]): string {
  return (
    `${workflowId} is already running (run ${runId}) with other settings; this start is refused: ` +
    `${differences.join('; ')}. Wait for it to end, or cancel it, then start again.`
  );
}

/** Whether a run's memo holds recorded RunSettings (runs started before they were recorded hold none). */
export function recordedSettings(memo: Record<string, unknown> | undefined): Partial<RunSettings> | undefined {
  const value = memo?.[RUN_SETTINGS_MEMO];
  return value !== null && typeof value === 'object' ? (value as Partial<RunSettings>) : undefined;
}
