import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithStartDetails,
} from '@temporalio/client';
import type { ExportDayInput } from '../common/export-types';
import { AGENT_METRICS_DATE, dayWorkflowId } from '../common/workflow-ids';
import type { exportDay } from '../workflows';

/**
 * Starts day D's export as workflow `agent-metrics-D`, or attaches to the run already going for D: two starts at
 * once give one run. A closed run does not block a new one (a re-export).
 */
export async function startExportDay(
  client: Client,
  taskQueue: string,
  input: ExportDayInput,
): Promise<WorkflowHandleWithStartDetails<typeof exportDay>> {
  return client.workflow.start<typeof exportDay>('exportDay', {
    workflowId: dayWorkflowId(input.date),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    typedSearchAttributes: [{ key: AGENT_METRICS_DATE, value: input.date }],
    staticSummary: `agent metrics for ${input.date} (${input.timezone})`,
  });
}
