import type { StatusTemplate } from '../days/day-status';

/**
 * One export the dashboard shows: its name and the settings its days are read with, one for every configured export
 * (docs/contract.md §11; client/dashboard.ts builds them as `status` does).
 */
export interface NamedExport {
  readonly name: string;
  readonly template: StatusTemplate;
}
