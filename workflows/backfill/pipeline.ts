/** What a step that ran ahead of the main loop gave: its value, or the error the loop rethrows when it gets there. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The value of a settled step, or its error thrown. */
export function unwrap<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

const STARTED: Settled<undefined> = { ok: true, value: undefined };

/**
 * Runs two stages over `items` ahead of the caller: each stage takes one item at a time, in order, and the second
 * stage of item i starts once the first stage of item i and the second stage of item i - 1 are done, so the first
 * stage of the next item overlaps the second stage of this one. The caller takes the results in order. A failure is
 * held, never thrown unawaited: later items are not run, and the caller gets the error with that item's result.
 */
export function pipeline<T, A, B>(
  items: readonly T[],
  first: (item: T) => Promise<A>,
  second: (a: A) => Promise<B>,
): Promise<Settled<B>>[] {
  const results: Promise<Settled<B>>[] = [];
  let lastFirst: Promise<Settled<unknown>> = Promise.resolve(STARTED);
  let lastSecond: Promise<Settled<unknown>> = Promise.resolve(STARTED);
  for (const item of items) {
    const a = lastFirst.then((prev): Promise<Settled<A>> | Settled<A> => (prev.ok ? settle(() => first(item)) : prev));
    const b = Promise.all([a, lastSecond]).then(([ra, prev]): Promise<Settled<B>> | Settled<B> => {
      if (!prev.ok) return prev;
      return ra.ok ? settle(() => second(ra.value)) : ra;
    });
    lastFirst = a;
    lastSecond = b;
    results.push(b);
  }
  return results;
}
