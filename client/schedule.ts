import 'dotenv/config';
import { Command } from 'commander';
import { DateTime } from 'luxon';
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import { addDays } from '../common/calendar';
import { nominalTimeFromWorkflowId } from '../common/workflow-ids';
import { datesWithoutTime, nominalRangeForDays, scheduledDay } from '../lib/days/schedule-day';
import { workflowUiUrl } from '../lib/temporal-connection';
import { runCli } from './cli';
import { rangeOption } from './command-input';
import {
  createOrUpdateSchedule,
  scheduleId,
  scheduleTimezone,
  TRIGGER_OVERLAP,
  type ScheduleConfig,
} from './schedule-options';
import { renderTable } from './table';
import { connectTemporal } from './temporal-client';
import { UsageError } from '../lib/errors';
import type { ScheduledExportInput } from '../common/scheduled-types';
import { EXPORT_OPTION, settingsAndExports } from './export-choice';

type Action = (client: Client, config: ScheduleConfig) => Promise<number>;
let chosen: { name: string; action: Action } | undefined;
const choose = (name: string, action: Action) => () => {
  chosen = { name, action };
};

const program = new Command('agent-metrics schedule')
  .description('Manage the daily Temporal Schedule (id SCHEDULE_ID, default agent-metrics-<EXPORT_NAME>-daily)')
  .option(...EXPORT_OPTION)
  .allowExcessArguments(false);

/** `describe --json` reports, printed together once every export's is in (one object, or a list for several). */
const jsonReports: ScheduleReport[] = [];

function local(date: Date, tz: string): string {
  return DateTime.fromJSDate(date, { zone: tz }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

/** Calendar ranges as text: [{start: 2, end: 2}] -> '2', [{start: 0, end: 6, step: 2}] -> '0-6/2'. */
function ranges(rs: readonly { start: number; end?: number; step?: number }[]): string {
  return rs
    .map((r) =>
      r.end === undefined || r.end === r.start
        ? `${r.start}`
        : `${r.start}-${r.end}${r.step && r.step !== 1 ? `/${r.step}` : ''}`,
    )
    .join(',');
}

const create: Action = async (client, config) => {
  const what = await createOrUpdateSchedule(client, config);
  const s = config.schedule;
  const when = s.SCHEDULE_CRON ? `cron '${s.SCHEDULE_CRON}'` : `daily at ${s.SCHEDULE_TIME}`;
  process.stdout.write(
    `Schedule ${scheduleId(config)} ${what}: ${when} ${scheduleTimezone(config)}, overlap BUFFER_ALL, catch-up window ` +
      `${Math.round(s.SCHEDULE_CATCHUP_WINDOW / 3_600_000)}h, lookback ${s.LOOKBACK_DAYS} days, task queue ${config.temporal.TEMPORAL_TASK_QUEUE}\n`,
  );
  return describe(client, config);
};

async function runStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name.toLowerCase();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'gone';
    throw err;
  }
}

type Calendar = NonNullable<ScheduleDescription['spec']['calendars']>[number];

/** A single daily time (one hour, one minute), or undefined for anything wider. */
function dailyTime(calendars: readonly Calendar[] | undefined): { hour: number; minute: number } | undefined {
  const [c, ...more] = calendars ?? [];
  const single = (rs: Calendar['hour']) =>
    rs.length === 1 && (rs[0]!.end ?? rs[0]!.start) === rs[0]!.start ? rs[0]!.start : undefined;
  const hour = c && single(c.hour);
  const minute = c && single(c.minute);
  return more.length === 0 && hour !== undefined && minute !== undefined ? { hour, minute } : undefined;
}

/** Warns about the dates of the coming year on which the daily time does not exist (clocks go forward). */
function dstGapNote(time: { hour: number; minute: number } | undefined, tz: string, lookbackDays: number): string {
  if (!time) return '';
  const dates = datesWithoutTime(time, tz, new Date(), 366);
  const hhmm = `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
  return dates
    .map((date) => {
      const day = addDays(date, -1);
      const then =
        lookbackDays > 0
          ? `the next day's run exports ${day} through its lookback`
          : `${day} is not exported unless LOOKBACK_DAYS >= 1 or you backfill it`;
      return `  note: ${hhmm} does not exist in ${tz} on ${date} (clocks go forward), so Temporal starts no run that day; ${then}\n`;
    })
    .join('');
}

/** What `schedule describe` reports (its --json form). Times are ISO instants; days are YYYY-MM-DD. */
interface ScheduleReport {
  readonly scheduleId: string;
  readonly paused: boolean;
  readonly note?: string;
  readonly timezone: string;
  readonly spec: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly overlap: string;
  readonly catchupWindowHours: number;
  readonly actions: { readonly taken: number; readonly skippedOverlap: number; readonly missedCatchupWindow: number };
  readonly next: readonly { readonly scheduled: string; readonly exports: string }[];
  readonly recent: readonly {
    readonly scheduled: string;
    readonly taken: string;
    readonly exported: string;
    readonly status: string;
    readonly workflowId: string;
  }[];
  readonly notes: readonly string[];
}

async function scheduleReport(client: Client, config: ScheduleConfig): Promise<ScheduleReport> {
  const d = await client.schedule.getHandle(scheduleId(config)).describe();
  const tz = d.spec.timezone ?? 'UTC';
  const args = d.action.args as readonly Partial<ScheduledExportInput>[] | undefined;
  const notes = dstGapNote(dailyTime(d.spec.calendars), tz, args?.[0]?.lookbackDays ?? config.schedule.LOOKBACK_DAYS);
  const recent = await Promise.all(
    d.info.recentActions.map(async (a) => {
      const workflowId = a.action.workflow.workflowId;
      const nominal = nominalTimeFromWorkflowId(workflowId) ?? a.scheduledAt;
      return {
        scheduled: nominal.toISOString(),
        taken: a.takenAt.toISOString(),
        exported: scheduledDay(nominal, tz),
        status: await runStatus(client, workflowId),
        workflowId,
      };
    }),
  );
  return {
    scheduleId: d.scheduleId,
    paused: d.state.paused,
    ...(d.state.note ? { note: d.state.note } : {}),
    timezone: tz,
    spec: (d.spec.calendars ?? [])
      .map((c) => c.comment ?? `hour ${ranges(c.hour)} minute ${ranges(c.minute)}`)
      .join(', '),
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue,
    overlap: String(d.policies.overlap),
    catchupWindowHours: Math.round(d.policies.catchupWindow / 3_600_000),
    actions: {
      taken: d.info.numActionsTaken,
      skippedOverlap: d.info.numActionsSkippedOverlap,
      missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    },
    next: d.info.nextActionTimes.slice(0, 5).map((t) => ({ scheduled: t.toISOString(), exports: scheduledDay(t, tz) })),
    recent: recent.reverse(),
    notes: notes
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^ +note: /, '')),
  };
}

function renderScheduleReport(r: ScheduleReport, config: ScheduleConfig): string {
  const at = (iso: string) => local(new Date(iso), r.timezone);
  const lines = [
    `Schedule ${r.scheduleId}: ${r.paused ? 'PAUSED' : 'active'}${r.note ? ` (note: ${r.note})` : ''}`,
    `  spec: ${r.spec} in ${r.timezone}`,
    ...r.notes.map((note) => `  note: ${note}`),
    `  action: workflow ${r.workflowType} on task queue ${r.taskQueue}; each run exports the day before its scheduled local date`,
    `  overlap: ${r.overlap}; catch-up window: ${r.catchupWindowHours}h; actions taken: ${r.actions.taken}, ` +
      `skipped (overlap): ${r.actions.skippedOverlap}, missed (catch-up window): ${r.actions.missedCatchupWindow}`,
    '',
    'Next runs:',
    renderTable(
      ['scheduled', 'exports'],
      r.next.map((n) => [at(n.scheduled), n.exports]),
    ).trimEnd(),
    '',
    'Recent runs:',
    renderTable(
      ['scheduled', 'taken', 'exported', 'status', 'workflow'],
      r.recent.map((a) => [at(a.scheduled), at(a.taken), a.exported, a.status, a.workflowId]),
    ).trimEnd(),
  ];
  if (r.recent.length > 0) lines.push(`(open a run: ${workflowUiUrl(config.temporal, r.recent[0]!.workflowId)})`);
  return `${lines.join('\n')}\n`;
}

const describe: Action = async (client, config) => {
  const json = program.commands.find((c) => c.name() === 'describe')?.opts<{ json?: boolean }>().json ?? false;
  const report = await scheduleReport(client, config);
  if (json) jsonReports.push(report);
  else process.stdout.write(renderScheduleReport(report, config));
  return 0;
};

const pause: Action = async (client, config) => {
  const note = program.commands.find((c) => c.name() === 'pause')?.opts<{ note?: string }>().note;
  await client.schedule.getHandle(scheduleId(config)).pause(note ?? 'paused with npm run schedule -- pause');
  process.stdout.write(`Schedule ${scheduleId(config)} paused\n`);
  return 0;
};

const unpause: Action = async (client, config) => {
  const note = program.commands.find((c) => c.name() === 'unpause')?.opts<{ note?: string }>().note;
  await client.schedule.getHandle(scheduleId(config)).unpause(note ?? 'unpaused with npm run schedule -- unpause');
  process.stdout.write(`Schedule ${scheduleId(config)} unpaused\n`);
  return 0;
};

const trigger: Action = async (client, config) => {
  const tz = scheduleTimezone(config);
  await client.schedule.getHandle(scheduleId(config)).trigger(TRIGGER_OVERLAP);
  process.stdout.write(`Triggered ${scheduleId(config)} now: the run exports ${scheduledDay(new Date(), tz)}\n`);
  return 0;
};

const remove: Action = async (client, config) => {
  await client.schedule.getHandle(scheduleId(config)).delete();
  process.stdout.write(`Schedule ${scheduleId(config)} deleted (runs already started go on)\n`);
  return 0;
};

const backfill: Action = async (client, config) => {
  const opts = program.commands.find((c) => c.name() === 'backfill')?.opts<{ from: string; to: string }>() ?? {
    from: '',
    to: '',
  };
  const tz = scheduleTimezone(config);
  const range = rangeOption(opts, tz);
  const { start, end } = nominalRangeForDays(range.from, range.to, tz);
  if (end.getTime() > Date.now()) {
    throw new UsageError(
      `--to ${range.to}: the scheduled run that exports it is not due yet (it runs on the next day)`,
    );
  }
  await client.schedule
    .getHandle(scheduleId(config))
    .backfill([{ start, end, overlap: ScheduleOverlapPolicy.BUFFER_ALL }]);
  process.stdout.write(
    `Schedule backfill of ${scheduleId(config)}: the runs scheduled from ${local(start, tz)} to ${local(end, tz)} ` +
      `start one after another and export ${range.from} … ${range.to}\n`,
  );
  return 0;
};

program
  .command('create')
  .description('create the schedule, or update it to the current settings')
  .action(choose('create', create));
program
  .command('describe')
  .description('settings, next runs and recent runs with the day each exported')
  .option('--json', 'print the report as JSON', false)
  .action(choose('describe', describe));
program
  .command('pause')
  .option('--note <text>', 'why')
  .description('pause the schedule')
  .action(choose('pause', pause));
program
  .command('unpause')
  .option('--note <text>', 'why')
  .description('resume the schedule')
  .action(choose('unpause', unpause));
program
  .command('trigger')
  .description("run now: exports the day before today's date")
  .action(choose('trigger', trigger));
program.command('delete').description('delete the schedule').action(choose('delete', remove));
program
  .command('backfill')
  .description('replay the schedule for days D1…D2 (runs at their scheduled times, one after another)')
  .requiredOption('--from <YYYY-MM-DD>', 'first day to export')
  .requiredOption('--to <YYYY-MM-DD>', 'last day to export')
  .action(choose('backfill', backfill));

async function run(): Promise<number> {
  if (!chosen) throw new UsageError('name a subcommand: create, describe, pause, unpause, trigger, delete or backfill');
  // Every export's schedule unless --export names one (docs/contract.md §11): one schedule per export.
  const read = settingsAndExports(['temporal'], program.opts<{ export?: string }>().export, 'all');
  const { exports } = read;
  const temporal = read.config.temporal;
  const client = await connectTemporal(temporal);
  let code = 0;
  try {
    for (const [i, e] of exports.entries()) {
      if (i > 0 && jsonReports.length === 0) process.stdout.write('\n');
      code = Math.max(code, await actOn(client, { temporal, export: e.settings, schedule: e.schedule }));
    }
  } finally {
    await client.connection.close();
  }
  if (jsonReports.length > 0) {
    const shown = exports.length === 1 ? jsonReports[0] : jsonReports;
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  }
  return code;
}

/** The chosen subcommand on one export's schedule; a schedule that does not exist is an error that ends no others. */
async function actOn(client: Client, config: ScheduleConfig): Promise<number> {
  try {
    return await chosen!.action(client, config);
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      process.stderr.write(`error: schedule ${scheduleId(config)} does not exist (npm run schedule -- create)\n`);
      return 1;
    }
    throw err;
  }
}

runCli(program, run);
