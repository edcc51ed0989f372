import { randomBytes } from 'node:crypto';

/** A name no other test uses (tables, S3 prefixes): `<prefix>_<10 hex digits>`. */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A random past day, so tests on a shared dev server never reuse a running workflow id. */
export function randomPastDay(): string {
  const day = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 6_000) * 86_400_000);
  return day.toISOString().slice(0, 10);
}
