import { OUTPUT_FORMATS, type OutputFormat } from '../../common/output-format';

/** Where a day's files live: `<prefix>/<D>/agent_metrics_<D>.csv` and `<prefix>/<D>/_manifest.json` (docs/contract.md §4). */
function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

export function csvKey(prefix: string, date: string): string {
  return join(prefix, date, `agent_metrics_${date}.csv`);
}

/** The day's file in `format`: `<prefix>/<D>/agent_metrics_<D>.<format>` (docs/contract.md §9). */
export function dataKey(prefix: string, date: string, format: OutputFormat): string {
  return join(prefix, date, `agent_metrics_${date}.${format}`);
}

/** The format a day's file key (final or staged) names by its ending, or undefined for another key. */
export function formatOfKey(key: string, date: string): OutputFormat | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return OUTPUT_FORMATS.find((f) => name === `agent_metrics_${date}.${f}`);
}

export function manifestKey(prefix: string, date: string): string {
  return join(prefix, date, '_manifest.json');
}

/** Work-in-progress objects of one run; removed once the manifest is written (add a lifecycle rule for strays). */
export function stagingKey(prefix: string, date: string, runId: string, name: string): string {
  return join(prefix, '_staging', date, runId, name);
}

/** The staging key of day D's metrics (JSON lines) for the run `runId`: written by computeMetrics. */
export function metricsStagingKey(prefix: string, date: string, runId: string): string {
  return stagingKey(prefix, date, runId, 'metrics.jsonl');
}

/** The staging key of day D's CSV for the run (or batch) `runId`: written by writeCsv or a backfill's batch. */
export function csvStagingKey(prefix: string, date: string, runId: string, format: OutputFormat = 'csv'): string {
  return stagingKey(prefix, date, runId, `agent_metrics_${date}.${format}`);
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `id` looks like a Temporal run id (a UUID): the only run names a staging key may carry. */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

/**
 * Whether `key` is one of the staging objects the product writes for some day and run, whatever the prefix:
 * `…/_staging/<D>/<run id>/metrics.jsonl` or `…/_staging/<D>/<run id>/agent_metrics_<D>.<format>`.
 */
export function isStagingKey(key: string): boolean {
  const parts = key.split('/');
  const [name, runId, date, staging] = parts.slice(-4).reverse();
  return (
    staging === '_staging' &&
    date !== undefined &&
    DAY.test(date) &&
    runId !== undefined &&
    isRunId(runId) &&
    (name === 'metrics.jsonl' || OUTPUT_FORMATS.some((f) => name === `agent_metrics_${date}.${f}`))
  );
}
