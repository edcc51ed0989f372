import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { mapPool } from '../pool';
import { findDelivery } from '../s3/delivery';
import { openObject } from '../s3/objects';
import type { Services } from '../services';
import type { StatusTemplate } from '../days/day-status';
import { parseDeliveredFile, type DeliveredRow } from './metrics-file';

/** Day files read from S3 at once. */
const READS_IN_FLIGHT = 8;
/** Parsed day files kept in memory (a file never changes under its SHA-256): a year of one export and then some. */
const CACHED_FILES = 400;

/** A day's file: `read` (it matches its manifest), `missing` (none delivered) or `unverified` (it does not match). */
export type FileUse = 'read' | 'missing' | 'unverified';

/** One day of an agent's trend: its metrics, or null where the day has no file read or no row for the agent. */
export interface TrendPoint {
  readonly date: string;
  readonly avg: number | null;
  readonly p90: number | null;
  readonly calls: number | null;
  readonly file: FileUse;
}

export interface AgentTrend {
  readonly agentId: string;
  readonly points: TrendPoint[];
  /** Days whose file was read. */
  readonly filesRead: number;
}

/** Agent ids as the files hold them (docs/contract.md §4: lower case). */
export function normalizeAgentId(id: string): string {
  return id.trim().toLowerCase();
}

/**
 * Reads agents' daily metrics from the delivered files: only files that match their manifest (size and SHA-256 as
 * S3 reports them, and the SHA-256 of the bytes read), each parsed once and kept by its SHA-256. The source is not
 * consulted: a stale day's file is still the one delivered, and is read.
 */
export class DeliveredMetrics {
  private readonly files = new Map<string, Map<string, DeliveredRow>>();

  constructor(private readonly deps: Services) {}

  async agentTrend(template: StatusTemplate, days: readonly string[], agentId: string): Promise<AgentTrend> {
    const id = normalizeAgentId(agentId);
    const points = await mapPool(days, READS_IN_FLIGHT, async (date): Promise<TrendPoint> => {
      const day = await this.dayRows(template, date);
      const row = day.rows?.get(id);
      return { date, avg: row?.avg ?? null, p90: row?.p90 ?? null, calls: row?.calls ?? null, file: day.file };
    });
    return { agentId: id, points, filesRead: points.filter((p) => p.file === 'read').length };
  }

  /** Up to `limit` agent ids, in order, that start with `prefix` in the files of `days` (for the search box). */
  async agentIds(template: StatusTemplate, days: readonly string[], prefix: string, limit = 20): Promise<string[]> {
    const start = normalizeAgentId(prefix);
    const found = new Set<string>();
    const files = await mapPool(days, READS_IN_FLIGHT, (date) => this.dayRows(template, date));
    for (const { rows } of files) for (const id of rows?.keys() ?? []) if (id.startsWith(start)) found.add(id);
    return [...found].sort().slice(0, limit);
  }

  private async dayRows(t: StatusTemplate, date: string): Promise<{ file: FileUse; rows?: Map<string, DeliveredRow> }> {
    const deps = t.bucket === undefined ? this.deps : { ...this.deps, bucket: t.bucket };
    const delivery = await findDelivery(deps, {
      date,
      prefix: t.prefix,
      timezone: t.timezone,
      statuses: t.statuses,
      ...(t.format ? { format: t.format } : {}),
      ...(t.columns ? { columns: t.columns } : {}),
    });
    if (delivery.state === 'missing') return { file: 'missing' };
    const manifest = delivery.manifest;
    if (delivery.state === 'failed' || !manifest?.sha256) return { file: 'unverified' };
    const { sha256 } = manifest;
    let rows = this.files.get(sha256);
    if (!rows) {
      // The manifest names the stored object: its bucket, and a key with the format's extension (docs/contract.md §9).
      const [, bucket = this.deps.bucket, key = ''] = /^s3:\/\/([^/]+)\/(.+)$/.exec(manifest.csvUri) ?? [];
      const body = await buffer(await openObject(this.deps.s3, bucket, key));
      // Replaced between the manifest check and this read.
      if (createHash('sha256').update(body).digest('hex') !== sha256) return { file: 'unverified' };
      rows = new Map((await parseDeliveredFile(body, manifest.format ?? 'csv')).map((r) => [r.agentId, r]));
      if (this.files.size >= CACHED_FILES) this.files.delete(this.files.keys().next().value as string);
      this.files.set(sha256, rows);
    }
    return { file: 'read', rows };
  }
}
