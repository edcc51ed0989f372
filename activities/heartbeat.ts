import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `work` runs, so a long query or upload shows progress in the Web UI and a
 * cancelled or timed-out activity is noticed. `progress` supplies the details to report (rows, bytes).
 */
export async function withHeartbeat<T>(work: Promise<T>, progress: () => unknown = () => undefined): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(progress());
  const timer = setInterval(() => ctx.heartbeat(progress()), 5_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
