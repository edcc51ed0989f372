import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * Where a backfill's time went, from the histories of the backfill's runs and of its days' child runs (event
 * timestamps; local activities from their markers' schedule and completion times), from ClickHouse's
 * system.query_log (wall and CPU time of each query over the table) and from the CPU time of the stack's processes
 * and the worker (/proc) over the backfill. `npm run bench` prints it after the backfill (tools/bench/backfill.ts).
 */

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;

const ms = (t: Timestamp) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: readonly number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0);
const max = (xs: readonly number[]) => (xs.length ? Math.max(...xs) : 0);

/** A step of a run: an activity (queued = scheduled → started) or a local activity (its marker). */
interface Step {
  readonly name: string;
  readonly summary: string;
  readonly scheduled: number;
  readonly started: number;
  readonly ended: number;
}

/** A run's history read into its steps, children, workflow tasks and bounds. */
interface RunTimes {
  readonly start: number;
  readonly end: number;
  readonly steps: Step[];
  readonly children: { workflowId: string; runId: string; initiated: number; started: number; ended: number }[];
  readonly workflowTasks: { scheduled: number; started: number; ended: number }[];
  readonly next?: string;
}

function summaryOf(e: HistoryEvent): string {
  const data = e.userMetadata?.summary?.data;
  if (!data) return '';
  try {
    return String(JSON.parse(Buffer.from(data).toString('utf8')));
  } catch {
    return '';
  }
}

/** Reads a run's events into its steps, children and workflow tasks. */
export function readRun(events: readonly HistoryEvent[]): RunTimes {
  const scheduled = new Map<string, { name: string; summary: string; at: number }>();
  const startedAt = new Map<string, number>();
  const initiated = new Map<string, { workflowId: string; at: number }>();
  const childStarted = new Map<string, { runId: string; at: number }>();
  const wftScheduled = new Map<string, number>();
  const wftStarted = new Map<string, { scheduled: number; at: number }>();
  const out: RunTimes = {
    start: ms(events[0]?.eventTime),
    end: ms(events.at(-1)?.eventTime),
    steps: [],
    children: [],
    workflowTasks: [],
  };
  let next: string | undefined;
  for (const e of events) {
    const id = String(e.eventId);
    const at = ms(e.eventTime);
    const a = e.activityTaskScheduledEventAttributes;
    if (a) scheduled.set(id, { name: a.activityType?.name ?? '?', summary: summaryOf(e), at });
    if (e.activityTaskStartedEventAttributes)
      startedAt.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), at);
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes;
    if (closed) {
      const key = String(closed.scheduledEventId);
      const sch = scheduled.get(key);
      if (sch) out.steps.push({ ...sch, scheduled: sch.at, started: startedAt.get(key) ?? sch.at, ended: at });
    }
    const marker = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (marker) {
      const m = JSON.parse(Buffer.from(marker).toString('utf8')) as {
        activity_type?: string;
        complete_time?: Timestamp;
        original_schedule_time?: Timestamp;
      };
      // The two stamps come from different clocks of the worker (core and Node): a step of a few ms may come out
      // negative, so it counts as 0.
      const from = ms(m.original_schedule_time);
      out.steps.push({
        name: `${m.activity_type ?? '?'} (local)`,
        summary: summaryOf(e),
        scheduled: from,
        started: from,
        ended: Math.max(from, ms(m.complete_time)),
      });
    }
    const ci = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (ci) initiated.set(id, { workflowId: ci.workflowId ?? '?', at });
    const cs = e.childWorkflowExecutionStartedEventAttributes;
    if (cs) childStarted.set(String(cs.initiatedEventId), { runId: cs.workflowExecution?.runId ?? '', at });
    const cc =
      e.childWorkflowExecutionCompletedEventAttributes ??
      e.childWorkflowExecutionFailedEventAttributes ??
      e.childWorkflowExecutionCanceledEventAttributes ??
      e.childWorkflowExecutionTimedOutEventAttributes ??
      e.childWorkflowExecutionTerminatedEventAttributes;
    if (cc) {
      const key = String(cc.initiatedEventId);
      const init = initiated.get(key);
      const st = childStarted.get(key);
      if (init && st)
        out.children.push({
          workflowId: init.workflowId,
          runId: st.runId,
          initiated: init.at,
          started: st.at,
          ended: at,
        });
    }
    if (e.workflowTaskScheduledEventAttributes) wftScheduled.set(id, at);
    const ws = e.workflowTaskStartedEventAttributes;
    if (ws) wftStarted.set(id, { scheduled: wftScheduled.get(String(ws.scheduledEventId)) ?? at, at });
    const wc = e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes;
    if (wc) {
      const st = wftStarted.get(String(wc.startedEventId));
      if (st) out.workflowTasks.push({ scheduled: st.scheduled, started: st.at, ended: at });
    }
    next ??= e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return next ? { ...out, next } : out;
}

/** Every run of a workflow, following continue-as-new from `runId`. */
async function readChain(client: Client, workflowId: string, runId: string): Promise<RunTimes[]> {
  const runs: RunTimes[] = [];
  for (let id: string | undefined = runId; id;) {
    const run = readRun((await client.workflow.getHandle(workflowId, id).fetchHistory()).events ?? []);
    runs.push(run);
    id = run.next;
  }
  return runs;
}

/** How many of `spans` overlap at most, and the time during which at least one is open. */
function overlap(spans: readonly { from: number; to: number }[]): { most: number; covered: number } {
  const edges = spans
    .flatMap((x) => [[x.from, 1] as const, [x.to, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  let covered = 0;
  let since = 0;
  for (const [t, d] of edges) {
    if (open === 0 && d === 1) since = t;
    open += d;
    if (open === 0) covered += t - since;
    most = Math.max(most, open);
  }
  return { most, covered };
}

/** CPU time (user + system, ms) of a process so far, or undefined when it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** The stack's processes (.stack/pids/*.pid) and any others given: name → pid. */
export function stackProcesses(root: string, others: Record<string, number | undefined> = {}): Map<string, number> {
  const out = new Map<string, number>();
  const dir = path.join(root, '.stack', 'pids');
  try {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.pid')))
      out.set(f.replace(/\.pid$/, ''), Number(readFileSync(path.join(dir, f), 'utf8').trim()));
  } catch {
    // Docker mode: no pid files; only the others are counted.
  }
  for (const [name, pid] of Object.entries(others)) if (pid) out.set(name, pid);
  return out;
}

/** CPU time of each process now, to subtract from a later reading. */
export function cpuReading(pids: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, pid] of pids) {
    const cpu = processCpuMs(pid);
    if (cpu !== undefined) out.set(name, cpu);
  }
  return out;
}

/** What ClickHouse logged for the queries over `table` between `from` and `to` (ms since the epoch). */
async function queryLog(ch: ClickHouseClient, table: string, from: number, to: number) {
  await ch.command({ query: 'SYSTEM FLUSH LOGS' });
  const rs = await ch.query({
    query: `SELECT query, query_start_time, query_duration_ms, read_rows, memory_usage,
  arraySum(arrayFilter((v, n) -> n IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds'), ProfileEvents.Values, ProfileEvents.Names)) / 1000 AS cpu_ms
FROM system.query_log
WHERE type = 2 AND is_initial_query AND event_time >= toDateTime(${Math.floor(from / 1000)}) AND event_time <= toDateTime(${Math.ceil(to / 1000) + 1})
  AND position(query, '${table.replace(/[^0-9A-Za-z_]/g, '')}') > 0
ORDER BY query_start_time`,
    format: 'JSONEachRow',
  });
  return (
    await rs.json<{
      query: string;
      query_duration_ms: string;
      read_rows: string;
      memory_usage: string;
      cpu_ms: number;
    }>()
  ).map((r) => ({
    kind: queryKind(r.query),
    ms: Number(r.query_duration_ms),
    rows: Number(r.read_rows),
    memory: Number(r.memory_usage),
    cpu: Number(r.cpu_ms),
  }));
}

/** Which of the product's queries a logged query is. */
function queryKind(sql: string): string {
  if (sql.includes('row_hash_sum')) return 'fingerprints (count, hash)';
  if (sql.includes('duration_mismatches')) return 'duration mismatches';
  if (sql.includes('arraySort(groupArrayArray')) return 'metrics (batch query)';
  if (sql.includes('system.tables')) return 'table engine';
  return 'other';
}

/**
 * The breakdown of backfill `workflowId` (its first run `runId`) as printable lines: its own steps on a timeline,
 * the days' runs step by step (median, max and sum over the days), ClickHouse's queries by kind, and the CPU time
 * of each process between the two readings.
 */
export async function backfillBreakdown(o: {
  client: Client;
  ch: ClickHouseClient;
  workflowId: string;
  runId: string;
  table: string;
  cpu?: { before: ReadonlyMap<string, number>; after: ReadonlyMap<string, number> };
}): Promise<string[]> {
  const lines: string[] = [];
  const runs = await readChain(o.client, o.workflowId, o.runId);
  const t0 = runs[0]!.start;
  const end = runs.at(-1)!.end;
  const at = (t: number) => `${((t - t0) / 1000).toFixed(2).padStart(6)}`;
  lines.push(`where the backfill's ${s(end - t0)} went (${runs.length} run(s) of ${o.workflowId}):`);
  const own = runs.flatMap((r) => r.steps).sort((a, b) => a.scheduled - b.scheduled);
  for (const st of own) {
    const queued = st.started - st.scheduled;
    lines.push(
      `  ${at(st.scheduled)} → ${at(st.ended)} s  ${st.name}: ${st.summary || '-'} (${s(st.ended - st.started)}` +
        `${queued > 50 ? `, queued ${s(queued)}` : ''})`,
    );
  }
  const wfts = runs.flatMap((r) => r.workflowTasks);
  lines.push(
    `  backfill workflow tasks: ${wfts.length}, ${s(sum(wfts.map((w) => w.ended - w.started)))} running, ` +
      `${s(sum(wfts.map((w) => w.started - w.scheduled)))} queued`,
  );

  const children = runs.flatMap((r) => r.children);
  if (children.length > 0) {
    const spans = children.map((c) => ({ from: c.started, to: c.ended }));
    const { most, covered } = overlap(spans);
    lines.push(
      `  day runs: ${children.length}, first started at ${at(Math.min(...children.map((c) => c.started)))} s, ` +
        `last ended at ${at(Math.max(...children.map((c) => c.ended)))} s; at most ${most} at once, ` +
        `at least one running for ${s(covered)}`,
    );
    const runsOfDays = await Promise.all(
      children.map(async (c) => ({ ...c, run: (await readChain(o.client, c.workflowId, c.runId))[0]! })),
    );
    const rows = new Map<string, number[]>();
    const add = (name: string, v: number) => (rows.get(name) ?? rows.set(name, []).get(name)!).push(v);
    for (const c of runsOfDays) {
      add('start: initiated → child started', c.started - c.initiated);
      add('whole run (started → closed)', c.run.end - c.run.start);
      add('result back to the backfill (closed → completed event)', c.ended - c.run.end);
      for (const st of c.run.steps) {
        add(`${st.name}: running`, st.ended - st.started);
        if (!st.name.endsWith('(local)')) add(`${st.name}: queued`, st.started - st.scheduled);
      }
      const inSteps = sum(c.run.steps.map((x) => x.ended - x.scheduled));
      add("the run's own (whole run − its steps)", c.run.end - c.run.start - inSteps);
      add('workflow tasks: running', sum(c.run.workflowTasks.map((w) => w.ended - w.started)));
      add('workflow tasks: queued', sum(c.run.workflowTasks.map((w) => w.started - w.scheduled)));
      add('workflow tasks: count', c.run.workflowTasks.length);
    }
    lines.push(`  a day's run, step by step (median / max / sum over ${children.length} days):`);
    for (const [name, xs] of rows) {
      const count = name.endsWith('count');
      const f = (x: number) => (count ? String(x) : s(x));
      lines.push(
        `    ${name.padEnd(58)} ${f(median(xs)).padStart(8)} ${f(max(xs)).padStart(8)} ${f(sum(xs)).padStart(9)}`,
      );
    }
  }

  const queries = await queryLog(o.ch, o.table, t0, end);
  if (queries.length > 0) {
    lines.push(`  ClickHouse (system.query_log), queries over ${o.table}: count, wall, CPU, rows read, peak memory`);
    const kinds = [...new Set(queries.map((q) => q.kind))];
    for (const kind of kinds) {
      const qs = queries.filter((q) => q.kind === kind);
      lines.push(
        `    ${kind.padEnd(28)} ${String(qs.length).padStart(3)} ${s(sum(qs.map((q) => q.ms))).padStart(9)} ` +
          `${s(sum(qs.map((q) => q.cpu))).padStart(9)} ${sum(qs.map((q) => q.rows))
            .toLocaleString('en-US')
            .padStart(12)} ` +
          `${(max(qs.map((q) => q.memory)) / 2 ** 20).toFixed(0).padStart(6)} MiB`,
      );
    }
  } else {
    lines.push('  ClickHouse: no queries in system.query_log (log_queries off?)');
  }
  if (o.cpu) {
    const parts = [...o.cpu.after].map(([name, after]) => `${name} ${s(after - (o.cpu!.before.get(name) ?? after))}`);
    const n = cpus().length;
    lines.push(`  CPU time over the backfill (user + system; ${n} cores: ${s(n * (end - t0))}): ${parts.join(', ')}`);
  }
  return lines;
}
