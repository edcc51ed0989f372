/** Wrappers Temporal puts around a failure; their messages say nothing the cause does not. */
const GENERIC = /^(Child Workflow execution failed|Activity task failed|Workflow execution failed)$/;

/**
 * The messages of an error and of each error in its cause chain, deduplicated, 'a: b: c': one line for a workflow's
 * outcome or a command's error message.
 */
export function failureText(err: unknown, maxLength = 500): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 8; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !GENERIC.test(message) && !parts.some((p) => p.includes(message))) parts.push(message);
  }
  return (parts.join(': ') || String(err)).slice(0, maxLength);
}
