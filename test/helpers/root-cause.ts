import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** The ApplicationFailure at the bottom of a failed run's cause chain (the activity's own failure). */
export function rootCause(err: unknown): ApplicationFailure {
  assert.ok(err instanceof WorkflowFailedError, `expected a failed workflow, got ${String(err)}`);
  let e: unknown = err.cause;
  while (e && !(e instanceof ApplicationFailure) && (e as { cause?: unknown }).cause) {
    e = (e as { cause?: unknown }).cause;
  }
  assert.ok(e instanceof ApplicationFailure, 'an ApplicationFailure in the cause chain');
  return e;
}
