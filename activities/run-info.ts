import { Context } from '@temporalio/activity';

/** The workflow run this activity belongs to; its run id names the run's staging objects. */
export function currentRun(): { workflowId: string; runId: string } {
  const run = Context.current().info.workflowExecution;
  if (!run) throw new Error('agent-metrics activities run only inside a workflow');
  return run;
}
