import { Context } from '@temporalio/activity';
import { StalledWorkError } from '../lib/errors';

export interface HeartbeatOptions {
  /** How often progress is read; it is reported only when it changed. */
  readonly everyMs?: number;
  /** Fail after this long without progress; default: the activity's heartbeat timeout (none set: never). */
  readonly stallMs?: number;
}

type Work<T> = Promise<T> | ((signal: AbortSignal) => Promise<T>);

/** What to report: the progress the source gives, or the last one seen when it cannot be read just now. */
async function read(progress: () => unknown, last: unknown): Promise<unknown> {
  try {
    return await progress();
  } catch {
    return last;
  }
}

/**
 * Runs `work` and heartbeats its real progress (rows read, rows or bytes written), not a timer: a heartbeat goes out
 * only when progress moved. Stuck work therefore stops heartbeating, and Temporal ends the attempt within the step's
 * heartbeat timeout instead of its start-to-close timeout. The activity notices too: after `stallMs` without
 * progress it aborts the signal given to `work` (which kills its ClickHouse query), waits for `work` to settle and
 * fails with a retryable StalledWorkError. The signal also aborts when the activity is cancelled.
 */
export async function withHeartbeat<T>(
  work: Work<T>,
  progress: () => unknown = () => undefined,
  options: HeartbeatOptions = {},
): Promise<T> {
  const ctx = Context.current();
  const stall = new AbortController();
  const running = typeof work === 'function' ? work(AbortSignal.any([ctx.cancellationSignal, stall.signal])) : work;
  const stallMs = options.stallMs ?? ctx.info.heartbeatTimeoutMs;
  const everyMs = options.everyMs ?? 5_000;
  let last: unknown = await read(progress, undefined);
  let lastText = JSON.stringify(last);
  let lastChange = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  ctx.heartbeat(last);
  const stalled = new Promise<StalledWorkError>((resolve) => {
    const tick = async () => {
      last = await read(progress, last);
      if (done) return;
      const text = JSON.stringify(last);
      if (text !== lastText) {
        [lastText, lastChange] = [text, Date.now()];
        ctx.heartbeat(last);
      } else if (stallMs !== undefined && stallMs > 0 && Date.now() - lastChange >= stallMs) {
        const s = Math.ceil((Date.now() - lastChange) / 1000);
        resolve(
          new StalledWorkError(`no progress for ${s} s (last: ${lastText ?? 'nothing'})`, Date.now() - lastChange),
        );
        return;
      }
      timer = setTimeout(() => void tick(), everyMs);
    };
    timer = setTimeout(() => void tick(), everyMs);
  });
  try {
    const outcome = await Promise.race([running.then((value) => ({ value })), stalled]);
    if (!(outcome instanceof StalledWorkError)) return outcome.value;
    stall.abort(outcome);
    if (typeof work === 'function') await running.catch(() => undefined);
    throw outcome;
  } finally {
    done = true;
    clearTimeout(timer);
  }
}
