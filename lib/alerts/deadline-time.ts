import { DateTime } from 'luxon';
import { addDays } from '../../common/calendar';

/**
 * The instant day D's file is due: DELIVERY_DEADLINE (`HH:MM`) on D+1 in the export's time zone (docs/contract.md
 * §10). A time that a clock change skips is read as the same wall time after the change (luxon's rule).
 */
export function deliveryDeadline(date: string, timezone: string, deadline: string): Date {
  const at = DateTime.fromISO(`${addDays(date, 1)}T${deadline}`, { zone: timezone });
  if (!at.isValid) throw new RangeError(`DELIVERY_DEADLINE '${deadline}' in ${timezone}: ${at.invalidExplanation}`);
  return at.toJSDate();
}
