import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Every step retries with backoff until its service is back (ClickHouse or S3 restarting, network, throttling);
 * permanent failures are thrown non-retryable by the activities and end the step at once.
 */
export const RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

/**
 * Quick look-ups and the S3 steps (findDelivery reads a manifest and HEADs one object; uploadCsv is one server-side
 * copy of a file of at most tens of MB; writeManifest one small PUT): an attempt that has not finished in a minute
 * is stuck or its worker died, and is tried again, for about 2 hours.
 */
export const QUICK_STEP: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '2 hours',
  retry: RETRY,
};

/**
 * The quick S3 steps of a day run (findDelivery, uploadCsv, writeManifest, discardStaged) as local activities: the
 * worker that runs the workflow task runs them at once and records each as a marker named after the step (the Web UI
 * shows it by name with its result or failure), so a step costs no round trip through the server's task queue.
 * Same timeouts and retries as QUICK_STEP: retried in the worker for up to a minute, then with durable timers; a
 * worker that dies in one is noticed at the workflow task timeout (10 s) and the step runs again on another worker.
 */
export const LOCAL_QUICK_STEP: LocalActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '2 hours',
  retry: RETRY,
};

/**
 * Steps that scan the table's call_start column (checkData): as long as the table is large, with
 * heartbeats of the rows the query has read, so a stuck query is noticed within a minute. ClickHouse stops the
 * query itself before the start-to-close timeout (activities/watched-query.ts) and before the client's
 * CLICKHOUSE_REQUEST_TIMEOUT; either limit hit fails the step without retry (same query, same limit).
 */
export const SCAN_STEP: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  scheduleToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: RETRY,
};

/**
 * Long steps heartbeat real progress (rows read or written, not a timer): a dead worker or stuck query is noticed
 * within the heartbeat timeout and the step moves to another attempt.
 */
export const LONG_STEP: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  scheduleToCloseTimeout: '4 hours',
  heartbeatTimeout: '1 minute',
  retry: RETRY,
};

/**
 * Alert POSTs: a receiver that is down or answers 5xx is tried again with the usual backoff for a day (at least
 * once, docs/contract.md §10); one attempt is a single small request.
 */
export const ALERT_STEP: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: RETRY,
};
