import { IANAZone } from 'luxon';

/**
 * The canonical name of an IANA time zone ('europe/paris' → 'Europe/Paris', 'Etc/UTC' → 'UTC'), or undefined when
 * the zone is unknown. Names are compared only in this form (a manifest against the settings), so two spellings of
 * one zone never make a day look stale.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (typeof name !== 'string' || !IANAZone.isValidZone(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
