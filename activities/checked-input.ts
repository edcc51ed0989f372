import { DateTime } from 'luxon';
import { activityInputProblems, invalidInput } from '../common/validate-input';
import { dayWindow } from '../lib/days/day-window';
import { canonicalTimeZone } from '../lib/days/time-zone';

const ZONE_FIELDS = ['timezone', 'scheduleTimezone'] as const;

type Fields = Record<string, unknown>;

/** `obj` with its time zone fields in canonical form; unknown zones are added to `problems`. */
function withCanonicalZones<T extends Fields>(obj: T, path: string, problems: string[]): T {
  const out: Fields = { ...obj };
  for (const field of ZONE_FIELDS) {
    if (typeof obj[field] !== 'string') continue;
    const canonical = canonicalTimeZone(obj[field]);
    if (canonical === undefined) problems.push(`${path}${field}: '${obj[field]}' is not a known IANA time zone`);
    else out[field] = canonical;
  }
  return out as T;
}

/** The days of the input whose window has not ended yet in its time zone: their data is not complete. */
function unfinishedDays(input: Fields): string[] {
  const timezone = input.timezone as string;
  const days =
    typeof input.date === 'string' ? [input.date] : Array.isArray(input.days) ? (input.days as string[]) : [];
  const now = DateTime.now().toSeconds();
  return days.filter((d) => dayWindow(d, timezone).endEpoch > now);
}

/**
 * An activity's input checked at the boundary, before any I/O: every known field (common/validate-input.ts), time
 * zones resolved to their canonical names, and (`ended`) its days over in their time zone. Throws a non-retryable
 * InvalidInputError naming each problem.
 */
export function checkedInput<T>(activity: string, input: T, options: { ended?: boolean } = {}): T {
  const problems = activityInputProblems(input);
  if (problems.length > 0) throw invalidInput(activity, problems);
  let out = withCanonicalZones(input as Fields, '', problems);
  if (typeof out.template === 'object' && out.template !== null) {
    out = { ...out, template: withCanonicalZones(out.template as Fields, 'template.', problems) };
  }
  if (problems.length === 0 && options.ended && typeof out.timezone === 'string') {
    const open = unfinishedDays(out);
    if (open.length > 0) {
      problems.push(`date: ${open.join(', ')} has not ended yet in ${out.timezone}: a day is exported once it is over`);
    }
  }
  if (problems.length > 0) throw invalidInput(activity, problems);
  return out as T;
}
