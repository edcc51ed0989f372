import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Every step retries with backoff until its service is back (ClickHouse or S3 restarting, network, throttling);
 * permanent failures are thrown non-retryable by the activities and end the step at once.
 */
export const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/** Quick look-ups and the S3 steps: retried for at most about 2 hours. */
export const QUICK_STEP: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '2 hours',
  retry: RETRY,
};

/** Long steps heartbeat: a dead worker is noticed within the heartbeat timeout and the step moves to another one. */
export const LONG_STEP: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: RETRY,
};
