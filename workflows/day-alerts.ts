import { condition, defineSignal, log, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { AlertActivities } from '../activities';
import { DAY_REPORT_SIGNAL, type AlertEvent, type DayAlertsInput, type DayReport } from '../common/alert-types';
import { failureText } from '../common/failure-text';
import { lateReason } from '../common/late-reason';
import { dayAlertsProblems, validated } from '../common/validate-input';
import { ALERT_STEP, QUICK_STEP, SCAN_STEP } from './activity-options';

export const dayReport = defineSignal<[DayReport]>(DAY_REPORT_SIGNAL);

const quick = proxyActivities<AlertActivities>(QUICK_STEP);
const scan = proxyActivities<AlertActivities>(SCAN_STEP);
const post = proxyActivities<AlertActivities>(ALERT_STEP);

/** The events this run sent, in order: what the Web UI shows as its result. */
export interface DayAlertsResult {
  readonly sent: readonly AlertEvent[];
}

/**
 * The alerts of one export's day D (workflow id `agent-metrics-<export>-D-alerts`, docs/contract.md §10). Day runs
 * report to it (failed, delivered) and the schedule starts it ahead of the day's deadline. It keeps the durable
 * "already sent" record: `failed` and `late` go out once each while the day stays undelivered, and `recovered` once
 * the day is delivered after either; a deadline timer sends `late` with the reason if the day is not delivered by
 * then. It ends once nothing is outstanding (no deadline ahead, no alert unrecovered), so a later run of this id
 * starts from a day whose state changed: its events are new, not repeats.
 */
export async function dayAlerts(raw: DayAlertsInput): Promise<DayAlertsResult> {
  const input = validated<DayAlertsInput>('dayAlerts', raw, dayAlertsProblems);
  const reports: DayReport[] = [];
  setHandler(dayReport, (r) => void reports.push(r));
  const due = input.deadline
    ? await quick.dayDeadline.executeWithOptions({ summary: `deadline of ${input.date}` }, [
        { date: input.date, timezone: input.timezone, deadline: input.deadline },
      ])
    : undefined;
  // A deadline already past when the day is first watched (an old day's failure) sends no `late`.
  let deadlineAhead = due !== undefined && Date.now() < due;
  // The durable "already sent" record: the events sent since the day was last delivered.
  const outstanding = new Set<'failed' | 'late'>();
  const sent: AlertEvent[] = [];
  let lastError: string | undefined;

  const send = async (event: AlertEvent, reason: string) => {
    try {
      const posted = await post.sendAlert.executeWithOptions({ summary: `alert ${event} ${input.date}` }, [
        { exportName: input.exportName, date: input.date, event, reason, at: new Date().toISOString() },
      ]);
      if (posted) sent.push(event);
    } catch (err) {
      log.error('alert not delivered', { event, date: input.date, error: failureText(err) });
    }
  };

  for (;;) {
    setCurrentDetails(
      `outstanding: ${[...outstanding].join(', ') || 'none'}; deadline: ` +
        (due === undefined ? 'none' : `${new Date(due).toISOString()}${deadlineAhead ? '' : ' (passed)'}`),
    );
    if (reports.length === 0 && !deadlineAhead && outstanding.size === 0) return { sent };
    const arrived = () => reports.length > 0;
    const reported =
      deadlineAhead && due !== undefined
        ? await condition(arrived, Math.max(due - Date.now(), 1))
        : (await condition(arrived), true);
    const report = reports.shift();
    if (!reported || report === undefined) {
      deadlineAhead = false;
      const reason = await whyLate(input, lastError);
      if (reason !== undefined) {
        outstanding.add('late');
        await send('late', reason);
      }
      continue;
    }
    if (report.kind === 'failed') {
      lastError = report.reason;
      if (!outstanding.has('failed')) {
        outstanding.add('failed');
        await send('failed', report.reason);
      }
    } else if (report.kind === 'delivered') {
      deadlineAhead = false;
      lastError = undefined;
      if (outstanding.size > 0) {
        const after = [...outstanding].join(' and ');
        outstanding.clear();
        await send('recovered', `delivered and verified after ${after}`);
      }
    }
  }
}

/** Why the day is late, or undefined when it turns out delivered; a day that cannot be looked at is failing. */
async function whyLate(input: DayAlertsInput, lastError: string | undefined): Promise<string | undefined> {
  try {
    const facts = await scan.dayFacts.executeWithOptions({ summary: `look at ${input.date} at its deadline` }, [input]);
    return facts.delivered ? undefined : lateReason(facts, lastError);
  } catch (err) {
    return `failing: ${lastError ?? `the day could not be looked at: ${failureText(err)}`}`;
  }
}
