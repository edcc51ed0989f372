import { randomBytes } from 'node:crypto';
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

/** The settings of `testInput` without the day: what a backfill or a schedule fixes once for all its days. */
export function testTemplate(table: string, prefix: string, overrides: Partial<ExportTemplate> = {}): ExportTemplate {
  const input = testInput('2000-01-01', table, prefix);
  return {
    exportName: input.exportName,
    table: input.table,
    prefix: input.prefix,
    timezone: input.timezone,
    statuses: input.statuses,
    minRows: input.minRows,
    onEmpty: input.onEmpty,
    pollIntervalMs: input.pollIntervalMs,
    waitTimeoutMs: input.waitTimeoutMs,
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
 * wait ends DATA_WAIT_TIMEOUT after the day's end (docs/contract.md §5). Inputs allow at most 7 days, so `date` must
 * have ended less than that ago (see `daysAgo`).
 */
export function waitEndingIn(date: string, ms: number): number {
  const wait = Math.max(0, Date.now() - Date.parse(`${date}T00:00:00Z`) - 86_400_000) + ms;
  if (wait > 7 * 86_400_000)
    throw new Error(`waitEndingIn: ${date} ended too long ago for a data wait (at most 7 days)`);
  return wait;
}

/** The poll interval (ms) that keeps a wait of `waitMs` within the 720 polls a run may make (common/input-rules.ts). */
export function pollEvery(waitMs: number): number {
  return Math.max(1_000, Math.ceil(waitMs / 700 / 1_000) * 1_000);
}

/** The UTC day `n` days before today (1 = yesterday): ended, and recent enough for a data wait. */
export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * An export name no other test uses (EXPORT_NAME): its day runs never share a workflow id with another test's, so a
 * test may use recent days that other tests use too.
 */
export function uniqueExportName(): string {
  return `t-${randomBytes(4).toString('hex')}`;
}
