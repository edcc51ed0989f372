export { exportDay } from './export-day';
export { backfillDays } from './backfill-days';
export { scheduledExport } from './scheduled-export';
export { dayAlerts } from './day-alerts';
