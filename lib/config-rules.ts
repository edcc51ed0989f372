/**
 * The settings whose rules are more than a type (docs/contract.md §7): bucket names, key prefixes, time zones, URLs
 * that must not carry credentials, the ClickHouse endpoint and the data poll. The checks shared with workflow and
 * activity inputs live in common/input-rules.ts; these wrap them for lib/config.ts.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isPrefix, MAX_WAIT_TIMEOUT_MS, pollProblem } from '../common/input-rules';
import { clickhouseEndpoint, EndpointError, type EndpointSettings } from './clickhouse/endpoint';
import { canonicalTimeZone } from './days/time-zone';

/** `value` with any user info (`user:password@`) masked: what an error may show of a URL or host setting. */
export function maskUserinfo(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(value)?.[0] ?? '';
  return `${scheme}***@${value.slice(at + 1)}`;
}

/** An IANA time zone, read in its canonical spelling ('europe/paris' → 'Europe/Paris', 'Etc/UTC' → 'UTC'). */
export const timeZone = z.string().transform((tz, ctx) => {
  const canonical = canonicalTimeZone(tz);
  if (canonical !== undefined) return canonical;
  ctx.addIssue({ code: 'custom', message: 'expected an IANA time zone name such as UTC or America/New_York' });
  return z.NEVER;
});

/** An S3 bucket name by AWS's general-purpose rules (also what MinIO takes). */
export function bucketProblem(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    return 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens; a letter or digit at each end)';
  }
  if (/\.\.|\.-|-\./.test(name)) return "expected no '..', '.-' or '-.' in a bucket name";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'expected a bucket name, not an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) {
    return 'expected a bucket name without the prefixes and suffixes S3 reserves (xn--, sthree-, -s3alias, --ol-s3)';
  }
  return undefined;
}

/** An S3 key prefix; '/' at either end is dropped, and then '', '.', '..' segments and '//' are refused. */
export const keyPrefix = z
  .string()
  .transform((p) => p.replace(/^\/+|\/+$/g, ''))
  .superRefine((p, ctx) => {
    const problem = isPrefix(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/, got '.*'$/, '') });
  });

/** An http(s) URL without user info (credentials have their own variables, and URLs get printed). */
export const urlWithoutUserinfo = (example: string) =>
  z.url({ error: `expected a URL such as ${example}` }).refine((u) => {
    const url = URL.canParse(u) ? new URL(u) : undefined;
    return url === undefined || (url.username === '' && url.password === '');
  }, 'expected no user or password in the URL: credentials have their own variables and URLs are printed');

/** Refinement options: run the check when `fields` parsed, even if other variables of the section are bad. */
export function whenParsed(...fields: string[]) {
  return {
    when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
      !payload.issues.some((i) => fields.includes(String(i.path?.[0]))),
  };
}

export const ENDPOINT_FIELDS = [
  'CLICKHOUSE_URL',
  'CLICKHOUSE_HOST',
  'CLICKHOUSE_PORT',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_CA_CERT',
];

/** Adds an issue for what clickhouseEndpoint refuses, and for a CLICKHOUSE_CA_CERT that cannot be used. */
export function checkClickHouseEndpoint(
  s: EndpointSettings & { CLICKHOUSE_CA_CERT?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (s.CLICKHOUSE_URL === undefined && s.CLICKHOUSE_HOST === undefined) return; // checkClickHouseGiven says so
  try {
    const endpoint = clickhouseEndpoint(s);
    if (s.CLICKHOUSE_CA_CERT !== undefined && !endpoint.secure) {
      ctx.addIssue({ code: 'custom', path: ['CLICKHOUSE_CA_CERT'], message: 'needs an https:// ClickHouse URL' });
    } else if (s.CLICKHOUSE_CA_CERT !== undefined && !existsSync(s.CLICKHOUSE_CA_CERT)) {
      ctx.addIssue({ code: 'custom', path: ['CLICKHOUSE_CA_CERT'], message: 'expected the path of a PEM file' });
    }
  } catch (err) {
    if (!(err instanceof EndpointError)) throw err;
    ctx.addIssue({ code: 'custom', path: [err.variable], message: err.message });
  }
}

/** Adds an issue when neither CLICKHOUSE_URL nor CLICKHOUSE_HOST is set (whatever else is wrong). */
export const checkClickHouseGiven = [
  (s: { CLICKHOUSE_URL?: unknown; CLICKHOUSE_HOST?: unknown }, ctx: z.RefinementCtx) => {
    if (s.CLICKHOUSE_URL === undefined && s.CLICKHOUSE_HOST === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['CLICKHOUSE_HOST'],
        message: 'required (host name of the ClickHouse HTTP interface), or set CLICKHOUSE_URL',
      });
    }
  },
  { when: () => true },
] as const;

/** Adds an issue when DATA_POLL_INTERVAL and DATA_WAIT_TIMEOUT would poll too often (common/input-rules.ts). */
export function checkDataPoll(s: { DATA_POLL_INTERVAL: number; DATA_WAIT_TIMEOUT: number }, ctx: z.RefinementCtx) {
  if (s.DATA_WAIT_TIMEOUT > MAX_WAIT_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['DATA_WAIT_TIMEOUT'], message: 'expected at most 7 days (7d)' });
    return;
  }
  const problem = pollProblem(s.DATA_POLL_INTERVAL, s.DATA_WAIT_TIMEOUT);
  if (problem) ctx.addIssue({ code: 'custom', path: ['DATA_POLL_INTERVAL'], message: problem });
}
