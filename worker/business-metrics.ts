import type { MetricMeter } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import type { Manifest } from '../common/manifest';
import { exportOfWorkflowId } from '../common/workflow-ids';

/** Step durations in seconds: from a quick look-up (tens of ms) to a long compute (an hour). */
export const STEP_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * The product's own metrics, on the worker's /metrics page beside the SDK's (all prefixed `agent_metrics_`). Steps and
 * deliveries are seen by an activity interceptor (`stepMetricsInterceptor`); up-to-date and failed runs by the
 * workflow interceptor in workflows/metrics-interceptors.ts; the last delivered day by `DeliveryClock`.
 */
export class BusinessMetrics {
  readonly #steps;
  readonly #exports;
  readonly #sourceRows;
  readonly #agentRows;
  readonly #bytes;
  readonly #lastDayEnd;
  readonly #lastDayAge;

  /** `exportName`: the worker's own export, for a step whose workflow id names none. */
  constructor(
    meter: MetricMeter,
    readonly exportName: string,
  ) {
    this.#steps = meter.createHistogram(
      'agent_metrics_step_duration_seconds',
      'float',
      's',
      'Duration of each export step (activity), by step and outcome',
    );
    this.#exports = meter.createCounter(
      'agent_metrics_exports_total',
      '1',
      'Day exports that delivered a file, by reason (workflows add up-to-date and failed runs)',
    );
    this.#sourceRows = meter.createCounter(
      'agent_metrics_source_rows_read_total',
      '1',
      'Source rows read from ClickHouse by compute steps (retries included)',
    );
    this.#agentRows = meter.createCounter('agent_metrics_agent_rows_total', '1', 'Agent rows in the files delivered');
    this.#bytes = meter.createCounter('agent_metrics_delivered_bytes_total', 'By', 'Bytes of the files delivered');
    this.#lastDayEnd = meter.createGauge(
      'agent_metrics_last_delivered_day_end_timestamp_seconds',
      'int',
      's',
      'End (Unix time) of the newest day delivered and verified',
    );
    this.#lastDayAge = meter.createGauge(
      'agent_metrics_last_delivered_day_age_seconds',
      'int',
      's',
      'Seconds since the end of the newest day delivered (grows until the next day is delivered)',
    );
  }

  step(exportName: string, step: string, outcome: 'ok' | 'error', seconds: number): void {
    this.#steps.record(seconds, { step, outcome, export: exportName });
  }

  sourceRowsRead(exportName: string, rows: number): void {
    this.#sourceRows.add(rows, { export: exportName });
  }

  delivered(exportName: string, manifest: Pick<Manifest, 'reason' | 'agentRows' | 'csv' | 'window'>): void {
    const tags = { export: exportName };
    this.#exports.add(1, { ...tags, result: 'exported', reason: manifest.reason });
    this.#agentRows.add(manifest.agentRows, tags);
    this.#bytes.add(manifest.csv.bytes, tags);
  }

  lastDelivered(exportName: string, dayEndSeconds: number, nowSeconds: number): void {
    const tags = { export: exportName };
    this.#lastDayEnd.set(dayEndSeconds, tags);
    this.#lastDayAge.set(Math.max(0, Math.round(nowSeconds - dayEndSeconds)), tags);
  }
}

/**
 * Tracks each export's newest delivered day's end and republishes its age, so the age keeps growing between
 * deliveries (one gauge series per export, docs/contract.md §11).
 */
export class DeliveryClock {
  readonly #dayEndSeconds = new Map<string, number>();

  constructor(private readonly metrics: BusinessMetrics) {}

  /** Export `exportName`'s day window end (ISO instant): kept when it is newer than the one known. */
  seen(exportName: string, windowEndIso: string): void {
    const seconds = Math.floor(Date.parse(windowEndIso) / 1000);
    if (!Number.isFinite(seconds)) return;
    const known = this.#dayEndSeconds.get(exportName);
    if (known === undefined || seconds > known) this.#dayEndSeconds.set(exportName, seconds);
    this.tick();
  }

  tick(now = Date.now()): void {
    for (const [name, end] of this.#dayEndSeconds) this.metrics.lastDelivered(name, end, now / 1000);
  }
}

/** Times every activity as a step, and counts what computeMetrics read and what writeManifest delivered. */
export function stepMetricsInterceptor(metrics: BusinessMetrics, clock: DeliveryClock) {
  return (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
        const step = ctx.info.activityType;
        const exportName = exportOfWorkflowId(ctx.info.workflowExecution?.workflowId ?? '') ?? metrics.exportName;
        const started = performance.now();
        try {
          const result = await next(input);
          metrics.step(exportName, step, 'ok', (performance.now() - started) / 1000);
          observe(exportName, step, result, metrics, clock);
          return result;
        } catch (err) {
          metrics.step(exportName, step, 'error', (performance.now() - started) / 1000);
          throw err;
        }
      },
    },
  });
}

function observe(
  exportName: string,
  step: string,
  result: unknown,
  metrics: BusinessMetrics,
  clock: DeliveryClock,
): void {
  if (step === 'computeMetrics') {
    const rows = (result as { sourceRows?: unknown } | undefined)?.sourceRows;
    if (typeof rows === 'number') metrics.sourceRowsRead(exportName, rows);
  } else if (step === 'writeManifest') {
    const manifest = result as Manifest | undefined;
    if (manifest?.csv && manifest.window) {
      const name = manifest.export ?? exportName;
      metrics.delivered(name, manifest);
      clock.seen(name, manifest.window.end);
    }
  }
}
