import type { Client } from '@temporalio/client';
import { addDays, dayRange } from '../common/calendar';
import { failureText } from '../common/failure-text';
import type { TemporalSettings } from '../lib/config';
import type { DeliveredMetrics } from '../lib/dashboard/agent-trend';
import type { NamedExport } from '../lib/dashboard/exports';
import type { Services } from '../lib/services';
import { today } from './command-input';
import { collectStatus } from './status-report';

/** What an agent id (or the start of one) may hold in a request. */
const AGENT_ID = /^[\w.-]{1,100}$/;

/** The longest range the page asks for: a year and a day. */
export const MAX_DAYS = 366;

/** What the API handlers read through: the services, the exports to show and a lazily connected Temporal client. */
export interface DashboardContext {
  readonly services: Services;
  readonly temporalSettings: TemporalSettings;
  readonly exports: readonly NamedExport[];
  readonly metrics: DeliveredMetrics;
  readonly temporal: () => Promise<Client>;
  /** Days shown when the page does not ask (--days). */
  readonly defaultDays: number;
}

/** An API answer: the status code and the JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Thrown when a request names an unknown export or a bad number of days (400/404, with a message for the page). */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
  }
}

/** The exports the page shows. */
export function exportsAnswer(ctx: DashboardContext): ApiAnswer {
  // Not named `exports`: in CommonJS output that would hide the module's own exports (MAX_DAYS).
  const list = ctx.exports.map((e) => ({ name: e.name, timezone: e.template.timezone }));
  return { status: 200, body: { exports: list, defaultDays: ctx.defaultDays, maxDays: MAX_DAYS } };
}

/** One export's last `days` days (ending yesterday in its time zone), each with its state (docs/contract.md §6). */
export async function calendarAnswer(ctx: DashboardContext, query: URLSearchParams): Promise<ApiAnswer> {
  const { exp, days } = selection(ctx, query);
  const temporal = await ctx.temporal();
  const rows = await collectStatus(ctx.services, temporal, ctx.temporalSettings, days, exp.template);
  const body = rows.map((r) => ({
    date: r.date,
    state: r.state,
    detail: r.detail,
    agents: r.agents,
    generatedAt: r.generatedAt,
    workflowId: r.workflowId,
    webUi: r.webUi,
  }));
  return { status: 200, body: { export: exp.name, timezone: exp.template.timezone, days: body } };
}

/** One agent's daily avg and p90 over the last `days` days, from the delivered files. */
export async function agentAnswer(ctx: DashboardContext, agentId: string, query: URLSearchParams): Promise<ApiAnswer> {
  const { exp, days } = selection(ctx, query);
  if (!AGENT_ID.test(agentId.trim())) throw new BadRequestError(`not an agent id: '${agentId}'`, 400);
  const trend = await ctx.metrics.agentTrend(exp.template, days, agentId);
  return { status: 200, body: { export: exp.name, ...trend } };
}

/** Agent ids that start with `q` in the files of the range: the search box's suggestions. */
export async function agentIdsAnswer(ctx: DashboardContext, query: URLSearchParams): Promise<ApiAnswer> {
  const { exp, days } = selection(ctx, query);
  const prefix = query.get('q') ?? '';
  if (!AGENT_ID.test(prefix.trim())) throw new BadRequestError(`q: not the start of an agent id: '${prefix}'`, 400);
  return { status: 200, body: { export: exp.name, agents: await ctx.metrics.agentIds(exp.template, days, prefix) } };
}

/** The message the page shows when a service cannot answer (bucket missing, Temporal down, ...). */
export function unavailable(err: unknown): ApiAnswer {
  return { status: 503, body: { error: failureText(err, 600) } };
}

function selection(ctx: DashboardContext, query: URLSearchParams): { exp: NamedExport; days: string[] } {
  const name = query.get('export') ?? ctx.exports[0]?.name;
  const exp = ctx.exports.find((e) => e.name === name);
  if (!exp) throw new BadRequestError(`no export named '${name ?? ''}'`, 404);
  const raw = query.get('days') ?? String(ctx.defaultDays);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_DAYS) {
    throw new BadRequestError(`days: expected a whole number from 1 to ${MAX_DAYS}, got '${raw}'`, 400);
  }
  const to = addDays(today(exp.template.timezone), -1);
  return { exp, days: dayRange(addDays(to, -(n - 1)), to) };
}
