import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { BackfillSelection, DayPlan, DayStatus, LastRun } from '../../common/day-state';
import type { ExportTemplate, WindowStats } from '../../common/export-types';
import { dayWorkflowId } from '../../common/workflow-ids';
import type { QueryOptions } from '../clickhouse/query';
import { readBatchStats } from '../clickhouse/window-stats';
import { mapPool } from '../pool';
import { findDelivery, type LegacyFingerprint } from '../s3/delivery';
import type { Services } from '../services';
import { dayState, planDay } from './day-plan';

/** S3 and Temporal look-ups in flight at once while reading many days. */
const LOOKUPS_IN_FLIGHT = 16;

export type StatusTemplate = Pick<
  ExportTemplate,
  | 'exportName'
  | 'table'
  | 'prefix'
  | 'timezone'
  | 'statuses'
  | 'minRows'
  | 'format'
  | 'columns'
  | 'bucket'
  | 'customerId'
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
  const workflowId = dayWorkflowId(exportName, date);
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    const status = d.status.name;
    const failure = ENDED_BADLY.has(status) ? await closeFailure(temporal, workflowId, d.runId) : undefined;
    const pending = status === 'RUNNING' ? d.raw.pendingActivities?.find((a) => a.lastFailure?.message) : undefined;
    return {
      status,
      runId: d.runId,
      startTime: d.startTime.toISOString(),
      ...(d.closeTime ? { closeTime: d.closeTime.toISOString() } : {}),
      ...(failure ? { failure } : {}),
      ...(pending
        ? { retrying: `${pending.activityType?.name ?? 'a step'} retrying: ${pending.lastFailure?.message}` }
        : {}),
    };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

const ENDED_BADLY = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);
/** temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT: only the run's last event. */
const CLOSE_EVENT_ONLY = 2;

interface ProtoFailure {
  message?: string | null;
  cause?: ProtoFailure | null;
}

/** The root cause of a closed run's failure (or the termination reason), read from its close event alone. */
async function closeFailure(temporal: Client, workflowId: string, runId: string): Promise<string | undefined> {
  try {
    const { history } = await temporal.workflowService.getWorkflowExecutionHistory({
      namespace: temporal.options.namespace,
      execution: { workflowId, runId },
      historyEventFilterType: CLOSE_EVENT_ONLY,
    });
    const event = history?.events?.at(-1);
    let failure: ProtoFailure | null | undefined = event?.workflowExecutionFailedEventAttributes?.failure ?? undefined;
    if (!failure) return event?.workflowExecutionTerminatedEventAttributes?.reason ?? undefined;
    while (failure.cause) failure = failure.cause;
    const message = failure.message ?? '';
    return message.length > 300 ? `${message.slice(0, 299)}…` : message;
  } catch {
    return undefined; // The state stands without its reason.
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
  const source = { timezone: t.timezone, table: t.table, customerId: t.customerId };
  const stats = await readBatchStats(deps, { ...source, days: q.days }, query);
  const s3 = t.bucket === undefined ? deps : { ...deps, bucket: t.bucket };
  const deliveryOf = (s: WindowStats, legacy?: LegacyFingerprint) =>
    findDelivery(
      s3,
      {
        date: s.date,
        prefix: t.prefix,
        timezone: t.timezone,
        statuses: t.statuses,
        fingerprint: s.fingerprint,
        sourceRows: s.sourceRows,
        ...(t.format ? { format: t.format } : {}),
        ...(t.columns ? { columns: t.columns } : {}),
      },
      legacy,
    );
  // Days whose manifest an earlier release wrote (its fingerprint by the older row hash) are noted as they turn up,
  // then read again against that hash: one query over those days only, none when there are none.
  const earlier = new Set<string>();
  const looked = await mapPool(stats, LOOKUPS_IN_FLIGHT, async (s) => {
    const noted = async () => {
      earlier.add(s.date);
      return undefined;
    };
    const [delivery, run] = await Promise.all([deliveryOf(s, noted), lastRun(temporal, t.exportName, s.date)]);
    return { s, delivery, run };
  });
  if (earlier.size > 0) {
    const days = q.days.filter((d) => earlier.has(d));
    const legacy = new Map(
      (await readBatchStats(deps, { ...source, days }, query, 'legacy')).map((x) => [x.date, x.fingerprint]),
    );
    const again = looked.filter((x) => earlier.has(x.s.date));
    await mapPool(again, LOOKUPS_IN_FLIGHT, async (x) => {
      x.delivery = await deliveryOf(x.s, async () => legacy.get(x.s.date));
    });
  }
  return looked.map(({ s, delivery, run }) => ({
    date: s.date,
    ...dayState(delivery, run),
    sourceRows: s.sourceRows,
    fingerprint: s.fingerprint,
    ...(s.durationMismatches !== undefined ? { durationMismatches: s.durationMismatches } : {}),
    delivery,
    ...(run ? { lastRun: run } : {}),
  }));
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
