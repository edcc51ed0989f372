import type { ExportDayInput } from '../../common/export-types';

/** The export input a test uses: its own table and prefix, short data waits. */
export function testInput(
  date: string,
  table: string,
  prefix: string,
  overrides: Partial<ExportDayInput> = {},
): ExportDayInput {
  return {
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
