import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { ExportDayInput } from '../common/export-types';
import {
  conflictMessage,
  recordedSettings,
  RUN_SETTINGS_MEMO,
  runSettings,
  settingDifferences,
} from '../common/run-settings';
import { AGENT_METRICS_DATE, AGENT_METRICS_EXPORT, dayWorkflowId } from '../common/workflow-ids';
import type { exportDay } from '../workflows';

/** Thrown when day D's workflow is already running with settings that change the file differently from this start. */
export class SettingsConflictError extends Error {
  override readonly name = 'SettingsConflictError';
  constructor(
    readonly workflowId: string,
    readonly runId: string,
    readonly differences: readonly string[],
  ) {
    super(conflictMessage(workflowId, runId, differences));
  }
}

export type ExportDayHandle = WorkflowHandleWithFirstExecutionRunId<typeof exportDay> & {
  /** True when the day's workflow was already running with the same settings and this start attached to it. */
  readonly attached: boolean;
};

// A run found by a refused start may end before it is described: start again, a few times at most.
const START_ATTEMPTS = 3;

/**
 * Starts day D's export as workflow `agent-metrics-<export>-D` (docs/contract.md §5), recording the settings that
 * change the file in its memo. When that id is running already, attaches to it if it was started with the same
 * settings, and throws SettingsConflictError naming each difference if not. A closed run does not block a new one.
 */
export async function startExportDay(
  client: Client,
  taskQueue: string,
  input: ExportDayInput,
): Promise<ExportDayHandle> {
  const workflowId = dayWorkflowId(input.exportName, input.date);
  const settings = runSettings(input);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const handle = await client.workflow.start<typeof exportDay>('exportDay', {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        memo: { [RUN_SETTINGS_MEMO]: settings },
        typedSearchAttributes: [
          { key: AGENT_METRICS_DATE, value: input.date },
          { key: AGENT_METRICS_EXPORT, value: input.exportName },
        ],
        staticSummary: `agent metrics ${input.exportName} for ${input.date} (${input.timezone})`,
      });
      return Object.assign(handle, { attached: false });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= START_ATTEMPTS) throw err;
    }
    const running = await describeRunning(client, workflowId);
    if (!running) continue;
    const recorded = recordedSettings(running.memo);
    // A run without recorded settings was not started by this code: nothing to compare, attach as before.
    const differences = recorded ? settingDifferences(recorded, settings) : [];
    if (differences.length > 0) throw new SettingsConflictError(workflowId, running.runId, differences);
    const handle = client.workflow.getHandle<typeof exportDay>(workflowId, undefined, {
      firstExecutionRunId: running.runId,
    });
    return Object.assign(handle, { firstExecutionRunId: running.runId, attached: true });
  }
}

async function describeRunning(client: Client, workflowId: string) {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? d : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
