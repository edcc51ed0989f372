import {
  ApplicationFailure,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlanningActivities } from '../activities';
import { failureText } from '../common/failure-text';
import { scheduledProblems, validated } from '../common/validate-input';
import type { ScheduledDayOutcome, ScheduledExportInput, ScheduledExportResult } from '../common/scheduled-types';
import {
  AGENT_METRICS_DATE,
  AGENT_METRICS_EXPORT,
  nominalTimeFromWorkflowId,
  SCHEDULED_START_TIME,
  withExportName,
} from '../common/workflow-ids';
import { QUICK_STEP } from './activity-options';
import { runDay } from './run-day';
import { watchDeadlines } from './alert-hook';

const plan = proxyActivities<PlanningActivities>(QUICK_STEP);

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

/** 'scheduled', or 'lookback: stale' for an earlier day the run exported again. */
function why(d: ScheduledDayOutcome): string {
  return d.state ? `${d.trigger}: ${d.state}` : d.trigger;
}

/**
 * One action of the daily schedule: exports the day before the local date of its scheduled time (as child
 * `agent-metrics-<export>-D`), and re-checks the LOOKBACK_DAYS days before that: it re-exports those whose source rows changed
 * since their export (late data) and exports those never delivered that hold data (a run the schedule skipped). Children are ABANDONed on parent close: a day's export finishes on its own even
 * if this run is cancelled or terminated. Fails (after every day ended) if any day failed.
 */
export async function scheduledExport(raw: ScheduledExportInput): Promise<ScheduledExportResult> {
  const input = validated<ScheduledExportInput>('scheduledExport', raw, scheduledProblems);
  const nominal = nominalTime(input).toISOString();
  const t = withExportName(input.template);
  const planned = await plan.planScheduledRun.executeWithOptions({ summary: `plan run of ${nominal}` }, [
    { nominalTime: nominal, scheduleTimezone: input.scheduleTimezone, lookbackDays: input.lookbackDays, template: t },
  ]);
  const { day } = planned;
  await watchDeadlines(t, day);
  upsertSearchAttributes([
    { key: AGENT_METRICS_DATE, value: day },
    { key: AGENT_METRICS_EXPORT, value: t.exportName },
  ]);
  const again = planned.lookback.filter((p) => p.action === 'run');
  // Stale days whose source shrank keep their delivered file: say so, an operator decides (--allow-shrink).
  const kept = planned.lookback.filter((p) => p.shrank).map((p) => `${p.date} (${p.why})`);
  if (kept.length > 0) log.warn('lookback leaves days whose source shrank to an operator', { days: kept });
  setCurrentDetails(
    `scheduled ${nominal}: exporting **${day}**; re-check of ${planned.lookback.length} earlier days: ` +
      (again.length > 0 ? `exporting ${again.map((p) => `${p.date} (${p.state})`).join(', ')}` : 'all delivered') +
      (kept.length > 0 ? `; left alone: ${kept.join('; ')}` : ''),
  );
  const work: Pick<ScheduledDayOutcome, 'date' | 'trigger' | 'state'>[] = [
    { date: day, trigger: 'scheduled' },
    ...again.map((p) => ({
      date: p.date,
      trigger: 'lookback' as const,
      state: p.state === 'stale' ? ('stale' as const) : ('missing' as const),
    })),
  ];
  const days = await Promise.all(
    work.map(async (w): Promise<ScheduledDayOutcome> => {
      try {
        const { result: r, runId } = await runDay(
          { ...t, date: w.date, force: false, trigger: w.trigger },
          ParentClosePolicy.ABANDON,
        );
        return {
          ...w,
          result: r.result,
          detail: `${r.agentRows} agents, ${r.sourceRows} source rows`,
          agents: r.agentRows,
          sourceRows: r.sourceRows,
          ...(runId ? { runId } : {}),
        };
      } catch (err) {
        return { ...w, result: 'failed', detail: failureText(err) };
      }
    }),
  );
  const failed = days.filter((d) => d.result === 'failed');
  setCurrentDetails(days.map((d) => `- ${d.date} (${why(d)}): ${d.result}, ${d.detail}`).join('\n'));
  if (failed.length > 0) {
    throw ApplicationFailure.nonRetryable(
      failed.map((d) => `${d.date} (${why(d)}) failed: ${d.detail}`).join('; '),
      'ScheduledExportFailed',
    );
  }
  log.info('scheduled export done', { nominal, day, lookbackExports: again.length });
  return { nominalTime: nominal, day, days };
}
