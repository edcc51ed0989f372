import type { ExportDayInput, ExportTemplate } from '../../common/export-types';

/** The export input a test uses: its own table and prefix, short data waits. */
export function testInput(
  date: string,
  table: string,
  prefix: string,
  overrides: Partial<ExportDayInput> = {},
): ExportDayInput {
  return {
    exportName: 'default',
    date,
    table,
    prefix,
    timezone: 'UTC',
    statuses: ['Answered'],
    minRows: 1,
    onEmpty: 'fail',
    pollIntervalMs: 1_000,
    waitTimeoutMs: 3_000,
    force: false,
    trigger: 'manual',
    ...overrides,
  };
}

/** The export settings of workflow tests with stubbed activities: the defaults' data waits (10 min polls, 6 h). */
export const STUB_TEMPLATE: ExportTemplate = {
  exportName: 'default',
  table: 'conversations',
  prefix: 'agent_metrics',
  timezone: 'UTC',
  statuses: ['Answered'],
  minRows: 1,
  onEmpty: 'fail',
  pollIntervalMs: 10 * 60_000,
  waitTimeoutMs: 6 * 3_600_000,
};

/**
 * A DATA_WAIT_TIMEOUT (ms) under which a run of `date` (UTC) that starts now still waits for data about `ms`: the
 * wait ends DATA_WAIT_TIMEOUT after the day's end (docs/contract.md §5), and a test's days ended long ago.
 */
export function waitEndingIn(date: string, ms: number): number {
  return Math.max(0, Date.now() - Date.parse(`${date}T00:00:00Z`) - 86_400_000) + ms;
}
