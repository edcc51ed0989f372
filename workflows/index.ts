export { exportDay } from './export-day';
