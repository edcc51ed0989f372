import { tsToMs } from '@temporalio/common/lib/time';
import type { Client } from '@temporalio/client';

// temporal.api.enums.v1 values (@temporalio/proto is not a direct dependency): TaskQueueKind NORMAL, TaskQueueType WORKFLOW.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** A poller the server saw this recently is a live worker: a long poll lasts about a minute before it is renewed. */
const LIVE_POLLER_MS = 2 * 60_000;

/** How many workers poll `taskQueue` for workflow tasks (DescribeTaskQueue; the server lists recent pollers). */
export async function livePollers(client: Client, namespace: string, taskQueue: string): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  return (response.pollers ?? []).filter((p) => now - tsToMs(p.lastAccessTime) < LIVE_POLLER_MS).length;
}

export interface WorkerWatch {
  stop(): void;
}

/**
 * While a command waits for a run, checks every `everyMs` that some worker polls the run's task queue, and says on
 * `err` when none does (once, then again when one appears): without it the run would wait silently forever. The
 * command keeps waiting: the run is durable and goes on as soon as a worker starts.
 */
export function watchForWorker(
  client: Client,
  where: { namespace: string; taskQueue: string },
  err: NodeJS.WritableStream,
  everyMs = 5_000,
): WorkerWatch {
  let warned = false;
  let stopped = false;
  const check = async () => {
    let pollers: number;
    try {
      pollers = await livePollers(client, where.namespace, where.taskQueue);
    } catch (e) {
      err.write(`warning: could not ask Temporal for the workers of task queue ${where.taskQueue}: ${String(e)}\n`);
      return;
    }
    if (stopped) return;
    if (pollers === 0 && !warned) {
      warned = true;
      err.write(
        `warning: no worker is polling task queue ${where.taskQueue} in namespace ${where.namespace}; start one with ` +
          `'npm run worker' (TEMPORAL_TASK_QUEUE=${where.taskQueue}). Still waiting: the run starts when a worker does.\n`,
      );
    } else if (pollers > 0 && warned) {
      warned = false;
      err.write(`a worker is polling task queue ${where.taskQueue} now\n`);
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
