/**
 * The keys an export of EXPORTS_FILE may set (docs/contract.md §11), each mapped onto the environment variable it
 * overrides: an export's settings are the environment with its keys laid over it, validated by the same schema as
 * the environment (lib/config.ts), so every setting has one definition and one default.
 */
export const YAML_KEYS = {
  table: 'CLICKHOUSE_TABLE',
  customer_id: 'CUSTOMER_ID',
  bucket: 'S3_BUCKET_NAME',
  prefix: 'S3_PREFIX',
  timezone: 'EXPORT_TIMEZONE',
  statuses: 'INCLUDE_STATUSES',
  format: 'OUTPUT_FORMAT',
  columns: 'METRIC_COLUMNS',
  deadline: 'DELIVERY_DEADLINE',
  webhook: 'ALERT_WEBHOOK_URL',
  min_rows: 'MIN_ROWS',
  on_empty: 'ON_EMPTY',
} as const;

/** The keys of an export's `schedule:` mapping. */
export const SCHEDULE_KEYS = { time: 'SCHEDULE_TIME', timezone: 'SCHEDULE_TIMEZONE' } as const;

/** Keys whose value may be a YAML list (joined with commas, as the variable takes it) as well as a string. */
export const LIST_KEYS: ReadonlySet<string> = new Set(['statuses', 'columns']);

export type YamlKey = keyof typeof YAML_KEYS;

/** The YAML key (`timezone`, `schedule.time`) that sets `variable`, if any. */
export function yamlKeyOf(variable: string): string | undefined {
  for (const [key, name] of Object.entries(YAML_KEYS)) if (name === variable) return key;
  for (const [key, name] of Object.entries(SCHEDULE_KEYS)) if (name === variable) return `schedule.${key}`;
  return undefined;
}
