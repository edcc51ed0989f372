import { CancellationScope, isCancellation, log, proxyLocalActivities } from '@temporalio/workflow';
import type { AlertActivities } from '../activities';
import { addDays } from '../common/calendar';
import { dayAlertsInput, type DayReport } from '../common/alert-types';
import type { ExportDayInput, ExportTemplate } from '../common/export-types';
import { failureText } from '../common/failure-text';
import { exportDayProblems } from '../common/validate-input';
import { LOCAL_QUICK_STEP } from './activity-options';

// A local activity (shown by name in the history, as the quick S3 steps): no extra round trip through the server for
// every day's run, alerts configured or not.
const alerts = proxyLocalActivities<AlertActivities>(LOCAL_QUICK_STEP);

/** Hands a report to the day's alerts workflow; a report that cannot be made is logged and never fails the run. */
async function report(t: ExportTemplate, date: string, r: DayReport): Promise<void> {
  try {
    await CancellationScope.nonCancellable(() =>
      alerts.reportDay.executeWithOptions({ summary: `report ${r.kind} of ${date} to its alerts` }, [
        { ...dayAlertsInput({ ...t, date }), report: r },
      ]),
    );
  } catch (err) {
    log.warn('could not report the day to its alerts workflow', { date, report: r.kind, error: failureText(err) });
  }
}

/**
 * Runs a day's export and reports its outcome to the day's alerts workflow (docs/contract.md §10): a failure
 * (not a cancellation) with its message, a success as "delivered". The run's own result or failure is unchanged.
 */
export async function withAlerts<T>(input: ExportDayInput, work: () => Promise<T>): Promise<T> {
  // A run that refuses its input has no day to report about.
  if (exportDayProblems(input).length > 0) return work();
  let result: T;
  try {
    result = await work();
  } catch (err) {
    if (!isCancellation(err)) await report(input, input.date, { kind: 'failed', reason: failureText(err) });
    throw err;
  }
  await report(input, input.date, { kind: 'delivered' });
  return result;
}

/**
 * With a DELIVERY_DEADLINE, starts the alerts workflows of the scheduled day and of the day after, so a day whose
 * run never starts (the next action skipped, its planning failing) still gets its `late` event with "not started".
 */
export async function watchDeadlines(t: ExportTemplate, day: string): Promise<void> {
  if (t.deadline === undefined) return;
  await Promise.all([day, addDays(day, 1)].map((d) => report(t, d, { kind: 'watch' })));
}
