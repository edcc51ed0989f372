/** Where a day's files live: `<prefix>/<D>/agent_metrics_<D>.csv` and `<prefix>/<D>/_manifest.json` (docs/contract.md §4). */
function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

export function csvKey(prefix: string, date: string): string {
  return join(prefix, date, `agent_metrics_${date}.csv`);
}

export function manifestKey(prefix: string, date: string): string {
  return join(prefix, date, '_manifest.json');
}

/** Work-in-progress objects of one run; removed once the manifest is written (add a lifecycle rule for strays). */
export function stagingKey(prefix: string, date: string, runId: string, name: string): string {
  return join(prefix, '_staging', date, runId, name);
}

/** The staging key of day D's CSV for the run (or batch) `runId`: written by writeCsv or a backfill's batch. */
export function csvStagingKey(prefix: string, date: string, runId: string): string {
  return stagingKey(prefix, date, runId, `agent_metrics_${date}.csv`);
}
