import type { CallStatus } from '../../common/call-status';
import type { PrecomputedDay, WindowStats } from '../../common/export-types';
import { metricsQuerySql } from '../../lib/clickhouse/metrics-query';
import { daySlots, type DaySlots } from '../../lib/clickhouse/day-slots';
import { MetricsTally, type MetricsRow } from '../../lib/clickhouse/metrics-tally';
import { streamRows, type QueryOptions } from '../../lib/clickhouse/query';
import { readBatchStats } from '../../lib/clickhouse/window-stats';
import type { MetricColumn } from '../../common/metric-columns';
import type { OutputFormat } from '../../common/output-format';
import { readDurationMismatches } from '../../lib/clickhouse/duration-mismatches';
import { CONTENT_TYPES, fileWriter, formatFields } from '../../lib/file-formats/file-writer';
import { extraValues } from '../../lib/metric-values';
import { csvStagingKey } from '../../lib/s3/keys';
import { streamToObject } from '../../lib/s3/objects';
import type { Services } from '../../lib/services';
import { withWatchedQuery } from '../watched-query';
import { currentRun } from '../run-info';

export interface BatchInput {
  /** Distinct and ascending; gaps are fine (days that need no export are left out). */
  readonly days: readonly string[];
  readonly timezone: string;
  readonly table: string;
  readonly prefix: string;
  readonly statuses: readonly CallStatus[];
  /** Only this customer's rows (docs/contract.md §11). */
  readonly customerId?: string;
  /** ClickHouse threads the query may use (BACKFILL_QUERY_THREADS); unset or 0: the server's max_threads. */
  readonly maxThreads?: number;
  /**
   * Row counts and fingerprints of the days, when the caller read them a moment before (a backfill's plan): saves
   * a pass over the table. Without them the batch reads them first, as computeMetrics does for one day.
   */
  readonly known?: readonly {
    readonly date: string;
    readonly sourceRows: number;
    readonly fingerprint: string;
    readonly durationMismatches?: number;
  }[];
  /** OUTPUT_FORMAT and METRIC_COLUMNS (docs/contract.md §9); absent: the CSV of the five columns. */
  readonly format?: OutputFormat;
  readonly columns?: readonly MetricColumn[];
}

function knownStats(input: BatchInput, slots: DaySlots): WindowStats[] | undefined {
  const byDate = new Map((input.known ?? []).map((k) => [k.date, k]));
  if (!input.days.every((d) => byDate.has(d))) return undefined;
  return slots.windows.map((w) => {
    const { sourceRows, fingerprint, durationMismatches } = byDate.get(w.date)!;
    return { ...w, sourceRows, fingerprint, ...(durationMismatches !== undefined ? { durationMismatches } : {}) };
  });
}

interface BatchMetricsRow extends MetricsRow {
  day: number | string;
}

/** The rows of a streamed query one by one, with a look at the next row before taking it. */
function peekable<T>(rows: AsyncIterator<T>) {
  let head: IteratorResult<T> | undefined;
  return {
    async peek(): Promise<T | undefined> {
      head ??= await rows.next();
      return head.done ? undefined : head.value;
    },
    take(): void {
      head = undefined;
    },
    async close(): Promise<void> {
      await rows.return?.();
    },
  };
}

/**
 * Computes the metrics of several days with one ClickHouse query (instead of one query per day) and writes each
 * day's CSV as it streams by (the same papaparse writer as writeCsv) to its own staging object,
 * `<prefix>/_staging/<D>/<this run>/agent_metrics_<D>.csv`: each day keeps its own file, upload, verification and
 * manifest in its own `exportDay` run. Returns, per day, what `computeMetrics` and `writeCsv` return for it alone,
 * plus its window stats. Writing here rather than in each day's run saves every day an activity and an S3 round trip.
 */
export async function computeBatch(deps: Services, input: BatchInput): Promise<PrecomputedDay[]> {
  const run = currentRun();
  const started = Date.now();
  const progress = { day: '', agentRows: 0 };
  const work = async (query: QueryOptions): Promise<PrecomputedDay[]> => {
    const signal = query.signal;
    const slots = daySlots(input.days, input.timezone, input.customerId);
    const stats = knownStats(input, slots) ?? (await readBatchStats(deps, input, query));
    const columns = input.columns ?? [];
    const format = input.format ?? 'csv';
    const { database } = deps;
    const { table, statuses } = input;
    const sql = await metricsQuerySql(deps.clickhouse, { database, table, slots, statuses, columns }, query);
    // The fingerprint scan counts them; stats planned before it did are counted here.
    const mismatches = stats.every((s) => s.durationMismatches !== undefined)
      ? stats.map((s) => s.durationMismatches ?? 0)
      : await readDurationMismatches(deps, { table: input.table, slots }, query);
    const settings = input.maxThreads ? { max_threads: input.maxThreads } : undefined;
    const rows = peekable(
      streamRows<BatchMetricsRow>(deps.clickhouse, sql, { ...query, ...(settings ? { settings } : {}) }),
    );
    const out: PrecomputedDay[] = [];
    try {
      for (const [index, dayStats] of stats.entries()) {
        const key = csvStagingKey(input.prefix, dayStats.date, run.runId, format);
        const day = new MetricsTally();
        progress.day = dayStats.date;
        let csvRows = 0;
        const target = { bucket: deps.bucket, key, contentType: CONTENT_TYPES[format], signal };
        const file = await streamToObject(deps.s3, target, async (write) => {
          const csv = fileWriter(format, write, dayStats.date, columns);
          for (let r = await rows.peek(); r !== undefined && Number(r.day) === index + 1; r = await rows.peek()) {
            rows.take();
            const row = day.add(r);
            if (row === undefined) continue;
            progress.agentRows += 1;
            await csv.add(
              columns.length > 0
                ? { ...row, extra: extraValues(columns, r as unknown as Record<string, unknown>) }
                : row,
            );
          }
          csvRows = await csv.end();
        });
        out.push({
          stats: dayStats,
          written: {
            stagingKey: key,
            bytes: file.bytes,
            sha256: file.sha256,
            rows: csvRows,
            ...formatFields(format, columns),
          },
          computed: {
            agentRows: day.agentRows,
            includedCalls: day.includedCalls,
            sourceRows: dayStats.sourceRows,
            fingerprint: dayStats.fingerprint,
            leftOut: day.leftOut(dayStats.sourceRows),
            queryMs: Date.now() - started,
            durationMismatches: mismatches[index] ?? 0,
          },
        });
      }
      const extra = await rows.peek();
      if (extra !== undefined) throw new Error(`batch query returned a row for day ${String(extra.day)} out of order`);
    } finally {
      await rows.close();
    }
    return out;
  };
  return withWatchedQuery(deps.clickhouse, work, () => progress);
}
