import type { CallStatus } from './call-status';
import type { DataQuality, LeftOut, ManifestSummary } from './export-types';
import type { MetricColumn } from './metric-columns';
import type { OutputFormat } from './output-format';

/** `_manifest.json`: written last, so its presence means "delivered and verified" (docs/contract.md §4). */
export interface Manifest {
  readonly manifestVersion: 1;
  readonly date: string;
  /** The export that wrote it (docs/contract.md §11); manifests written before exports had names have none. */
  readonly export?: string;
  /** The customer whose rows the file holds, for an export with a customer_id filter. */
  readonly customerId?: string;
  readonly timezone: string;
  readonly window: { readonly start: string; readonly end: string; readonly hours: number };
  readonly includedStatuses: readonly CallStatus[];
  readonly agentRows: number;
  readonly includedCalls: number;
  readonly sourceRows: number;
  readonly leftOut: LeftOut;
  readonly emptyReason?: string;
  readonly sourceFingerprint: string;
  readonly csv: { readonly bucket: string; readonly key: string; readonly bytes: number; readonly sha256: string };
  /** The stored format (docs/contract.md §9); `csv` describes the file in it. Absent in older manifests: csv. */
  readonly format?: OutputFormat;
  /** The optional columns after the required five, in file order (absent: none). */
  readonly columns?: readonly MetricColumn[];
  /** Data-quality figures (docs/contract.md §9); absent in older manifests. */
  readonly dataQuality?: DataQuality;
  readonly generatedAt: string;
  readonly workflow: { readonly id: string; readonly runId: string };
  readonly reason: string;
  readonly replaces?: { readonly generatedAt: string; readonly sha256: string; readonly sourceFingerprint: string };
  readonly productVersion: string;
}

export function summarizeManifest(m: Manifest): ManifestSummary {
  return {
    csvUri: `s3://${m.csv.bucket}/${m.csv.key}`,
    manifestUri: `s3://${m.csv.bucket}/${m.csv.key.replace(/[^/]+$/, '_manifest.json')}`,
    generatedAt: m.generatedAt,
    sha256: m.csv.sha256,
    bytes: m.csv.bytes,
    agentRows: m.agentRows,
    sourceRows: m.sourceRows,
    sourceFingerprint: m.sourceFingerprint,
    workflowId: m.workflow.id,
    runId: m.workflow.runId,
    format: m.format ?? 'csv',
    ...(m.dataQuality?.warning ? { dqWarning: m.dataQuality.warning } : {}),
  };
}

/** Parses a manifest read back from S3; throws if it is not one of ours. */
export function parseManifest(text: string): Manifest {
  const value = JSON.parse(text) as Partial<Manifest>;
  if (
    value.manifestVersion !== 1 ||
    typeof value.csv?.sha256 !== 'string' ||
    typeof value.sourceFingerprint !== 'string'
  ) {
    throw new Error('not an agent-metrics manifest (version 1)');
  }
  return value as Manifest;
}
