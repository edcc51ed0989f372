import type { ExportSettings } from '../config';
import type { StatusTemplate } from '../days/day-status';

/** One export the dashboard shows: its name and the settings its days are read with. */
export interface NamedExport {
  readonly name: string;
  readonly template: StatusTemplate;
}

/**
 * Every configured export (docs/contract.md §11): with no exports file, the single one the environment defines,
 * named by EXPORT_NAME. The dashboard takes its list from here alone.
 */
export function listExports(settings: ExportSettings): NamedExport[] {
  return [
    {
      name: settings.EXPORT_NAME,
      template: {
        exportName: settings.EXPORT_NAME,
        table: settings.CLICKHOUSE_TABLE,
        prefix: settings.S3_PREFIX,
        timezone: settings.EXPORT_TIMEZONE,
        statuses: settings.INCLUDE_STATUSES,
        minRows: settings.MIN_ROWS,
      },
    },
  ];
}
