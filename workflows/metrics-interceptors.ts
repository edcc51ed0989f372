import {
  ContinueAsNew,
  metricMeter,
  workflowInfo,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { ExportDayInput, ExportDayResult } from '../common/export-types';

// Emitted through the SDK's replay-safe workflow meter: a replayed run does not count twice.
const exportsTotal = metricMeter.createCounter(
  'agent_metrics_exports_total',
  '1',
  'Day export runs by result (exported / up-to-date / failed) and reason',
);

/**
 * Counts the runs of `exportDay` that delivered nothing: up to date, or failed. Runs that delivered a file are
 * counted by the worker when their manifest is written, with the manifest's reason (worker/business-metrics.ts).
 */
class ExportOutcomes implements WorkflowInboundCallsInterceptor {
  async execute(
    input: WorkflowExecuteInput,
    next: (input: WorkflowExecuteInput) => Promise<unknown>,
  ): Promise<unknown> {
    if (workflowInfo().workflowType !== 'exportDay') return next(input);
    const { trigger, exportName } = (input.args[0] ?? {}) as Partial<ExportDayInput>;
    const labels = { export: exportName ?? 'default' };
    try {
      const result = (await next(input)) as ExportDayResult;
      if (result.result === 'up-to-date') {
        exportsTotal.add(1, { ...labels, result: 'up-to-date', reason: `${trigger ?? 'unknown'}: verified` });
      }
      return result;
    } catch (err) {
      if (!(err instanceof ContinueAsNew))
        exportsTotal.add(1, { ...labels, result: 'failed', reason: `${trigger ?? 'unknown'}` });
      throw err;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new ExportOutcomes()] });
