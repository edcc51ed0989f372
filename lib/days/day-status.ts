import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BackfillSelection, DayPlan, DayStatus, LastRun } from '../../common/day-state';
import type { ExportTemplate } from '../../common/export-types';
import { dayWorkflowId } from '../../common/workflow-ids';
import type { QueryOptions } from '../clickhouse/query';
import { readBatchStats } from '../clickhouse/window-stats';
import { mapPool } from '../pool';
import { findDelivery } from '../s3/delivery';
import type { Services } from '../services';
import { dayState, planDay } from './day-plan';

/** S3 and Temporal look-ups in flight at once while reading many days. */
const LOOKUPS_IN_FLIGHT = 16;

export type StatusTemplate = Pick<
  ExportTemplate,
  'exportName' | 'table' | 'prefix' | 'timezone' | 'statuses' | 'minRows'
>;

export interface StatusQuery {
  readonly days: readonly string[];
  readonly template: StatusTemplate;
}

export interface PlanQuery extends StatusQuery {
  readonly only: BackfillSelection;
  readonly force: boolean;
  /** Re-export days whose source shrank (--allow-shrink); otherwise they are skipped, saying why. */
  readonly allowShrink?: boolean;
}

/** The latest run of export `exportName`'s day D workflow, or undefined when it never ran. */
export async function lastRun(temporal: Client, exportName: string, date: string): Promise<LastRun | undefined> {
  try {
    const d = await temporal.workflow.getHandle(dayWorkflowId(exportName, date)).describe();
    return {
      status: d.status.name,
      runId: d.runId,
      startTime: d.startTime.toISOString(),
      ...(d.closeTime ? { closeTime: d.closeTime.toISOString() } : {}),
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The state of each day: one ClickHouse query for the counts and fingerprints of all days (not one per day), the
 * manifests and CSV checksums from S3 and the latest runs from Temporal, a few at a time.
 */
export async function readDayStatuses(
  deps: Services,
  temporal: Client,
  q: StatusQuery,
  query: QueryOptions = {},
): Promise<DayStatus[]> {
  const t = q.template;
  const stats = await readBatchStats(deps, { days: q.days, timezone: t.timezone, table: t.table }, query);
  return mapPool(stats, LOOKUPS_IN_FLIGHT, async (s) => {
    const [delivery, run] = await Promise.all([
      findDelivery(deps, {
        date: s.date,
        prefix: t.prefix,
        timezone: t.timezone,
        statuses: t.statuses,
        fingerprint: s.fingerprint,
        sourceRows: s.sourceRows,
      }),
      lastRun(temporal, t.exportName, s.date),
    ]);
    return {
      date: s.date,
      ...dayState(delivery, run),
      sourceRows: s.sourceRows,
      fingerprint: s.fingerprint,
      delivery,
      ...(run ? { lastRun: run } : {}),
    };
  });
}

/** Each day's state and what a backfill does with it (run, attach to the run going on, skip) and why. */
export async function planDays(
  deps: Services,
  temporal: Client,
  q: PlanQuery,
  query: QueryOptions = {},
): Promise<DayPlan[]> {
  const statuses = await readDayStatuses(deps, temporal, q, query);
  const options = { only: q.only, force: q.force, allowShrink: q.allowShrink ?? false, minRows: q.template.minRows };
  return statuses.map((s) => ({ ...s, ...planDay(s, options) }));
}
