import {
  ApplicationFailure,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BackfillActivities } from '../activities';
import type { ExportTemplate } from '../common/export-types';
import { nominalTimeFromWorkflowId } from '../lib/days/schedule-day';
import { AGENT_METRICS_DATE, SCHEDULED_START_TIME } from '../common/search-attributes';
import { QUICK_STEP } from './activity-options';
import { failureText, runDay } from './day-child';

/** Fixed when the schedule is created or updated (`npm run schedule -- create`): the run works out its own day. */
export interface ScheduledExportInput {
  readonly template: ExportTemplate;
  readonly scheduleTimezone: string;
  readonly lookbackDays: number;
  /** Only for a run started by hand, outside the schedule: the scheduled time (ISO) to act as. */
  readonly nominalTime?: string;
}

export interface ScheduledDayResult {
  readonly date: string;
  readonly reason: 'scheduled' | 'stale' | 'missing';
  readonly result: 'exported' | 'up-to-date' | 'failed';
  readonly detail: string;
}

export interface ScheduledExportResult {
  readonly nominalTime: string;
  readonly day: string;
  readonly days: readonly ScheduledDayResult[];
}

const plan = proxyActivities<BackfillActivities>(QUICK_STEP);

/**
 * The run's nominal time: TemporalScheduledStartTime, which the server sets on scheduled, backfilled and triggered
 * starts; else the `-<time>Z` suffix the server appends to a scheduled run's id; else the input (a manual start).
 */
function nominalTime(input: ScheduledExportInput): Date {
  const info = workflowInfo();
  const found =
    info.typedSearchAttributes.get(SCHEDULED_START_TIME) ??
    nominalTimeFromWorkflowId(info.workflowId) ??
    (input.nominalTime ? new Date(input.nominalTime) : undefined);
  if (!found || Number.isNaN(found.getTime())) {
    throw ApplicationFailure.nonRetryable(
      'scheduledExport needs a scheduled time: start it from the schedule, or pass nominalTime',
      'NoScheduledTime',
    );
  }
  return found;
}

/**
 * One action of the daily schedule: exports the day before the local date of its scheduled time (as child
 * `agent-metrics-D`), and re-checks the LOOKBACK_DAYS days before that: it re-exports those whose source rows changed
 * since their export (late data) and exports those never delivered that hold data (a run the schedule skipped). Children are ABANDONed on parent close: a day's export finishes on its own even
 * if this run is cancelled or terminated. Fails (after every day ended) if any day failed.
 */
export async function scheduledExport(input: ScheduledExportInput): Promise<ScheduledExportResult> {
  const nominal = nominalTime(input).toISOString();
  const t = input.template;
  const planned = await plan.planScheduledRun.executeWithOptions({ summary: `plan run of ${nominal}` }, [
    { nominalTime: nominal, scheduleTimezone: input.scheduleTimezone, lookbackDays: input.lookbackDays, template: t },
  ]);
  const { day } = planned;
  upsertSearchAttributes([{ key: AGENT_METRICS_DATE, value: day }]);
  const again = planned.lookback.filter((p) => p.action === 'run');
  setCurrentDetails(
    `scheduled ${nominal}: exporting **${day}**; re-check of ${planned.lookback.length} earlier days: ` +
      (again.length > 0 ? `exporting ${again.map((p) => `${p.date} (${p.state})`).join(', ')}` : 'all delivered'),
  );
  const work = [
    { date: day, reason: 'scheduled' as const },
    ...again.map((p) => ({ date: p.date, reason: p.state === 'stale' ? ('stale' as const) : ('missing' as const) })),
  ];
  const days = await Promise.all(
    work.map(async ({ date, reason }): Promise<ScheduledDayResult> => {
      try {
        const run = await runDay({ ...t, date, force: false, reason }, ParentClosePolicy.ABANDON);
        const r = run.result;
        return { date, reason, result: r.status, detail: `${r.agentRows} agents, ${r.sourceRows} source rows` };
      } catch (err) {
        return { date, reason, result: 'failed', detail: failureText(err) };
      }
    }),
  );
  const failed = days.filter((d) => d.result === 'failed');
  setCurrentDetails(days.map((d) => `- ${d.date} (${d.reason}): ${d.result}, ${d.detail}`).join('\n'));
  if (failed.length > 0) {
    throw ApplicationFailure.nonRetryable(
      failed.map((d) => `${d.date} (${d.reason}) failed: ${d.detail}`).join('; '),
      'ScheduledExportFailed',
    );
  }
  log.info('scheduled export done', { nominal, day, lookbackExports: again.length });
  return { nominalTime: nominal, day, days };
}
