import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  alertsWorkflowId,
  DAY_ALERTS_WORKFLOW,
  DAY_REPORT_SIGNAL,
  type DayAlertsInput,
  type DayReport,
} from '../../common/alert-types';

export type ReportDayInput = DayAlertsInput & { readonly report: DayReport };

/**
 * Hands a day's report to the day's alerts workflow (workflows/day-alerts.ts), when the export has a webhook.
 * A failure or a "watch" starts that workflow if it is not running (signal-with-start: one per day, whoever
 * reports); a delivery only signals a running one, since a day without an alerts workflow has nothing to recover.
 * Returns what it did.
 */
export async function reportDay(
  temporal: Client,
  hasWebhook: boolean,
  input: ReportDayInput,
): Promise<'no webhook' | 'reported' | 'nothing to recover'> {
  if (!hasWebhook) return 'no webhook';
  const { report, ...settings } = input;
  const workflowId = alertsWorkflowId(input.exportName, input.date);
  if (report.kind === 'delivered') {
    // By run id: the time-skipping test server finds no run for a signal without one.
    try {
      const running = await temporal.workflow.getHandle(workflowId).describe();
      if (running.status.name !== 'RUNNING') return 'nothing to recover';
      await temporal.workflow.getHandle(workflowId, running.runId).signal(DAY_REPORT_SIGNAL, report);
      return 'reported';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'nothing to recover';
      throw err;
    }
  }
  await temporal.workflow.signalWithStart(DAY_ALERTS_WORKFLOW, {
    workflowId,
    taskQueue: Context.current().info.taskQueue,
    args: [settings],
    signal: DAY_REPORT_SIGNAL,
    signalArgs: [report],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: `alerts of ${input.exportName} for ${input.date}`,
  });
  return 'reported';
}
