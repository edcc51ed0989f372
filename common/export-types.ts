import type { CallStatus } from './call-status';
import type { DeliveryState, RunTrigger } from './day-state';
import type { MetricColumn } from './metric-columns';
import type { OutputFormat } from './output-format';

/** The parameters of one day's export: recorded in workflow history, defaulted from the starter's environment. */
export interface ExportDayInput {
  /** EXPORT_NAME: names the day's workflow, `agent-metrics-<exportName>-D` (docs/contract.md §5). */
  readonly exportName: string;
  readonly date: string;
  readonly table: string;
  readonly prefix: string;
  readonly timezone: string;
  readonly statuses: readonly CallStatus[];
  readonly minRows: number;
  readonly onEmpty: 'fail' | 'publish';
  readonly pollIntervalMs: number;
  readonly waitTimeoutMs: number;
  readonly force: boolean;
  /** The export's bucket (docs/contract.md §11); unset: the worker's S3_BUCKET_NAME. */
  readonly bucket?: string;
  /** Only this customer's rows (docs/contract.md §11); unset: every row of the table. */
  readonly customerId?: string;
  /** Who started the run; with what the bucket held, the manifest records why it exported (`exportReason`). */
  readonly trigger: RunTrigger;
  /** DELIVERY_DEADLINE, `HH:MM` on D+1 in `timezone`: when unset, the day has no deadline (docs/contract.md §10). */
  readonly deadline?: string;
  /** Set by a backfill that computed the day in a batch query: the run skips check and compute (see PrecomputedDay). */
  readonly precomputed?: PrecomputedDay;
  /** OUTPUT_FORMAT (docs/contract.md §9); absent: 'csv'. */
  readonly format?: OutputFormat;
  /** METRIC_COLUMNS: optional columns after the required five, in this order (docs/contract.md §9); absent: none. */
  readonly columns?: readonly MetricColumn[];
  /** DQ_MAX_LEFT_OUT_SHARE and DQ_MODE (docs/contract.md §9); absent: no check. */
  readonly dq?: { readonly maxLeftOutShare: number; readonly mode: 'warn' | 'fail' };
}

/**
 * A day a backfill computed together with other days in one ClickHouse query and wrote as its own staged CSV: its
 * window stats, counts and the staged file. The day's run goes on from "verify"; it removes the staged file after
 * its manifest (and the backfill removes any a failed day left). The staged file is accepted only at the key the
 * backfill run that started the day's run writes (`<prefix>/_staging/<D>/<that run id>/agent_metrics_<D>.csv`).
 */
export interface PrecomputedDay {
  readonly stats: WindowStats;
  readonly computed: Omit<ComputeResult, 'metricsKey'>;
  readonly written: WrittenCsv;
  /** What the backfill's plan found delivered a moment before; when set, the run does not look again. */
  readonly delivery?: DeliveryCheck;
}

/** Where an export's steps read and write, when it is not the whole table and the worker's bucket. */
export type ExportScope = Pick<ExportDayInput, 'bucket' | 'customerId'>;

/** The bucket and customer filter of `input`, only those that are set (older inputs carry neither). */
export function exportScope(input: ExportScope): ExportScope {
  return {
    ...(input.bucket !== undefined ? { bucket: input.bucket } : {}),
    ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
  };
}

/** The settings of a day's export without the day: what a schedule or a backfill fixes once for all its days. */
export type ExportTemplate = Omit<ExportDayInput, 'date' | 'force' | 'trigger' | 'precomputed'>;

/** One export day: the calls whose call_start lies in [start, end) local time, as Unix seconds and ISO instants. */
export interface DayWindow {
  readonly date: string;
  readonly timezone: string;
  readonly startEpoch: number;
  readonly endEpoch: number;
  readonly startIso: string;
  readonly endIso: string;
  readonly hours: number;
}

/** A day's window with its row count and source fingerprint, as "check data" reads them. */
export interface WindowStats extends DayWindow {
  readonly sourceRows: number;
  readonly fingerprint: string;
  /**
   * The day's duration mismatches (docs/contract.md §9), counted by the same scan as the fingerprint (absent in stats
   * recorded by an earlier version: then they are counted apart).
   */
  readonly durationMismatches?: number;
}

/** Rows of the day that are not in the file, by reason. */
export interface LeftOut {
  readonly duplicateRows: number;
  readonly negativeDuration: number;
  readonly otherStatus: number;
}

export interface ComputeResult {
  readonly metricsKey: string;
  readonly agentRows: number;
  readonly includedCalls: number;
  readonly sourceRows: number;
  readonly fingerprint: string;
  readonly leftOut: LeftOut;
  readonly queryMs: number;
  /** Rows of the day whose call_duration_sec is more than 1 s off call_end - call_start (docs/contract.md §9). */
  readonly durationMismatches?: number;
}

/** The data-quality figures a manifest records (docs/contract.md §9), with the warning of DQ_MODE=warn, if any. */
export interface DataQuality {
  readonly rowsRead: number;
  readonly versionsCollapsed: number;
  readonly negativeDuration: number;
  readonly otherStatus: number;
  readonly durationMismatches: number;
  /** Conversations left out for a negative duration, as a fraction of the day's conversations. */
  readonly leftOutShare: number;
  readonly warning?: string;
}

export interface WrittenCsv {
  readonly stagingKey: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly rows: number;
  /** The file's format and optional columns, when not the default CSV of the five columns. */
  readonly format?: OutputFormat;
  readonly columns?: readonly MetricColumn[];
}

/** What the bucket holds for a day, and why (lib/s3/delivery.ts). */
export interface DeliveryCheck {
  readonly state: DeliveryState;
  readonly detail: string;
  readonly manifest?: ManifestSummary;
  /**
   * Set on a stale delivery whose source now holds fewer rows than the file was computed from (deleted rows: TTL,
   * retention): re-exporting it would replace the file with a smaller one, which only an explicit flag does.
   */
  readonly shrank?: { readonly exported: number; readonly now: number };
}

export interface ManifestSummary {
  readonly csvUri: string;
  readonly manifestUri: string;
  readonly generatedAt: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly agentRows: number;
  readonly sourceRows: number;
  readonly sourceFingerprint: string;
  readonly workflowId: string;
  readonly runId: string;
  /** The delivered file's format (docs/contract.md §9). */
  readonly format?: OutputFormat;
  /** The data-quality warning the day was delivered with (DQ_MODE=warn). */
  readonly dqWarning?: string;
}

/** What a day's export run did: exported the day now, or found it up to date. */
export interface ExportDayResult {
  readonly date: string;
  readonly result: 'exported' | 'up-to-date';
  readonly uri: string;
  readonly manifestUri: string;
  readonly agentRows: number;
  readonly sourceRows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly fingerprint: string;
  readonly generatedAt: string;
}
