import type { Client } from '@temporalio/client';
import { addDays, dayRange } from '../../common/calendar';
import type { DayPlan } from '../../common/day-state';
import type { QueryOptions } from '../../lib/clickhouse/query';
import { planLookbackDay } from '../../lib/days/day-plan';
import { readDayStatuses, type StatusTemplate } from '../../lib/days/day-status';
import { scheduledDay } from '../../lib/days/schedule-day';
import type { Services } from '../../lib/services';

export interface ScheduledPlanInput {
  /** The run's nominal time (ISO), from TemporalScheduledStartTime. */
  readonly nominalTime: string;
  readonly scheduleTimezone: string;
  readonly lookbackDays: number;
  readonly template: StatusTemplate;
}

export interface ScheduledPlan {
  readonly day: string;
  /** The LOOKBACK_DAYS days before `day`: stale days, and missing days with data, run (see planLookbackDay). */
  readonly lookback: readonly DayPlan[];
}

/** The day a scheduled run exports and the re-check of the days before it (one batched query for all of them). */
export async function planScheduledRun(
  deps: Services,
  temporal: Client,
  input: ScheduledPlanInput,
  query: QueryOptions = {},
): Promise<ScheduledPlan> {
  const day = scheduledDay(new Date(input.nominalTime), input.scheduleTimezone);
  if (input.lookbackDays === 0) return { day, lookback: [] };
  const days = dayRange(addDays(day, -input.lookbackDays), addDays(day, -1));
  const statuses = await readDayStatuses(deps, temporal, { days, template: input.template }, query);
  return { day, lookback: statuses.map((s) => ({ ...s, ...planLookbackDay(s, input.template.minRows) })) };
}
