/** Where a day's files live: `<prefix>/<D>/agent_metrics_<D>.csv` and `<prefix>/<D>/_manifest.json` (SPEC §4). */
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

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
