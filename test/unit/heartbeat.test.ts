import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { withHeartbeat } from '../../activities/heartbeat';
import { StalledWorkError } from '../../lib/errors';

/** Work that runs until its signal aborts, then rejects with the abort reason; `ended` says it has settled. */
function untilAborted() {
  const state = { ended: false, signal: undefined as AbortSignal | undefined };
  const work = (signal: AbortSignal) => {
    state.signal = signal;
    return new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => {
        state.ended = true;
        reject(signal.reason as Error);
      });
    });
  };
  return { state, work };
}

/** An activity context with the given info; the expected failures are not logged. */
function mockEnv(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}

describe('withHeartbeat', () => {
  it('heartbeats each change of progress and nothing while progress stands still', async () => {
    const env = mockEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    let rows = 0;
    const result = await env.run(() =>
      withHeartbeat(
        async () => {
          for (const step of [1, 2, 2, 2, 3]) {
            rows = step;
            await new Promise((r) => setTimeout(r, 40));
          }
          return 'done';
        },
        () => ({ rows }),
        { everyMs: 10 },
      ),
    );
    assert.equal(result, 'done');
    assert.deepEqual(beats, [{ rows: 1 }, { rows: 2 }, { rows: 3 }]);
  });

  it('fails with a retryable StalledWorkError and aborts the work when the progress source is stuck', async () => {
    const env = mockEnv({ heartbeatTimeoutMs: 150 });
    const { state, work } = untilAborted();
    const started = Date.now();
    const err = await env.run(() => withHeartbeat(work, () => ({ rows: 7 }), { everyMs: 10 })).catch((e: unknown) => e);
    assert.ok(err instanceof StalledWorkError, String(err));
    assert.match(err.message, /no progress for \d+ s \(last: \{"rows":7\}\)/);
    assert.ok(Date.now() - started >= 150 && Date.now() - started < 2_000, 'within the heartbeat timeout');
    assert.equal(state.signal?.aborted, true);
    assert.equal(state.ended, true, 'the work settled before the failure was reported');
  });

  it('treats a progress source that throws as no progress', async () => {
    const env = mockEnv();
    const { work } = untilAborted();
    const failing = () => {
      throw new Error('ClickHouse is down');
    };
    const err = await env.run(() => withHeartbeat(work, failing, { everyMs: 10, stallMs: 100 })).catch((e) => e);
    assert.ok(err instanceof StalledWorkError, String(err));
  });

  it('does not stop work that has no heartbeat timeout', async () => {
    const env = mockEnv({ heartbeatTimeoutMs: undefined });
    const value = await env.run(() =>
      withHeartbeat(
        () => new Promise((r) => setTimeout(() => r(42), 300)),
        () => 'same',
        { everyMs: 10 },
      ),
    );
    assert.equal(value, 42);
  });

  it('aborts the work when the activity is cancelled', async () => {
    const env = mockEnv();
    const { state, work } = untilAborted();
    const running = env.run(() => withHeartbeat(work, () => 0, { everyMs: 10 })).catch((e: unknown) => e);
    await once(env, 'heartbeat');
    env.cancel();
    await running;
    assert.equal(state.signal?.aborted, true);
    assert.equal(state.ended, true);
  });
});
