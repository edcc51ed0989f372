/**
 * One row of a retry classification: whether retrying the same request can succeed, and why. The tables live next
 * to the errors they classify (lib/s3/errors.ts, lib/clickhouse/errors.ts, activities/fail-fast.ts).
 */
export interface ErrorRule {
  /** What the error means, as the failure message names it. */
  readonly what: string;
  readonly retry: boolean;
  readonly why: string;
}

/** The rule's verdict as a message suffix: "(not retried: …)" or "(retried: …)". */
export function verdict(rule: Pick<ErrorRule, 'retry' | 'why'>): string {
  return `(${rule.retry ? 'retried' : 'not retried'}: ${rule.why})`;
}
