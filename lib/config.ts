import { z } from 'zod';
import { ConfigError } from './errors';
import {
  bucketProblem,
  checkClickHouseEndpoint,
  checkClickHouseGiven,
  checkDataPoll,
  ENDPOINT_FIELDS,
  keyPrefix,
  maskUserinfo,
  timeZone,
  urlWithoutUserinfo,
  whenParsed,
} from './config-rules';
import { CALL_STATUSES, type CallStatus } from '../common/call-status';
import { METRIC_COLUMNS, type MetricColumn } from '../common/metric-columns';
import { OUTPUT_FORMATS } from '../common/output-format';
import { isDeadline } from '../common/input-rules';
import { parseDuration } from './durations';
import { resolveTemporal, type TemporalConnectionOptions } from './temporal-connection';

/** Variables whose values are never echoed back in an error message. */
const SECRETS = new Set([
  'CLICKHOUSE_PASSWORD',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'TEMPORAL_API_KEY',
  'ALERT_WEBHOOK_URL',
]);

const text = (what: string) =>
  z
    .string({ error: `required (${what})` })
    .trim()
    .min(1, `required (${what})`);
const optionalText = z.string().trim().min(1).optional();
const portNumber = z.coerce
  .number({ error: 'expected a port number from 1 to 65535' })
  .int('expected a port number from 1 to 65535')
  .min(1, 'expected a port number from 1 to 65535')
  .max(65535, 'expected a port number from 1 to 65535');
const positiveInt = (fallback: number, what = 'a whole number of 1 or more') =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .min(1, `expected ${what}`)
    .default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parseDuration(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: "expected a duration such as '30s', '10m' or '6h'" });
        return z.NEVER;
      }
    });
export const timezone = timeZone.default('UTC');
export const statuses = z
  .string()
  .default('Answered')
  .transform((value, ctx): CallStatus[] => {
    if (value.trim().toLowerCase() === 'all') return [...CALL_STATUSES];
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const canonical = names.map((n) => CALL_STATUSES.find((s) => s.toLowerCase() === n.toLowerCase()));
    if (names.length === 0 || canonical.some((c) => c === undefined)) {
      ctx.addIssue({ code: 'custom', message: `expected 'all' or a comma list of ${CALL_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return CALL_STATUSES.filter((s) => canonical.includes(s));
  });
export const metricColumns = z
  .string()
  .default('')
  .transform((value, ctx): MetricColumn[] => {
    const names = value
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const unknown = names.filter((n) => !(METRIC_COLUMNS as readonly string[]).includes(n));
    if (unknown.length > 0 || new Set(names).size !== names.length) {
      const what = unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'a column named twice';
      ctx.addIssue({ code: 'custom', message: `${what}: expected a comma list of ${METRIC_COLUMNS.join(', ')}` });
      return z.NEVER;
    }
    return names as MetricColumn[];
  });
const identifier = (fallback?: string) => {
  const s = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a plain identifier (letters, digits, _)');
  return fallback === undefined ? s : s.default(fallback);
};

// Host, port and credentials are resolved together (lib/clickhouse/endpoint.ts): unset stays undefined here.
const clickhouseSchema = z
  .object({
    CLICKHOUSE_URL: optionalText,
    CLICKHOUSE_HOST: optionalText,
    CLICKHOUSE_PORT: portNumber.optional(),
    CLICKHOUSE_USER: optionalText,
    CLICKHOUSE_PASSWORD: z.string().default(''),
    CLICKHOUSE_CA_CERT: optionalText,
    CLICKHOUSE_DATABASE: identifier('default'),
    CLICKHOUSE_REQUEST_TIMEOUT: duration('10m'),
  })
  .superRefine(checkClickHouseEndpoint, whenParsed(...ENDPOINT_FIELDS))
  .superRefine(...checkClickHouseGiven);

const s3Schema = z
  .object({
    AWS_ACCESS_KEY_ID: optionalText,
    AWS_SECRET_ACCESS_KEY: optionalText,
    AWS_SESSION_TOKEN: optionalText,
    // Unset: the AWS default chain (AWS_DEFAULT_REGION, the profile's region); see createS3 in lib/s3/client.ts.
    AWS_REGION: optionalText,
    S3_ENDPOINT: urlWithoutUserinfo('http://127.0.0.1:9000').optional(),
    S3_FORCE_PATH_STYLE: bool(false),
    S3_BUCKET_NAME: text('the bucket that receives the files').superRefine((name, ctx) => {
      const problem = bucketProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  })
  .superRefine((v, ctx) => {
    if ((v.AWS_ACCESS_KEY_ID === undefined) !== (v.AWS_SECRET_ACCESS_KEY === undefined)) {
      const missing = v.AWS_ACCESS_KEY_ID === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message:
          'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use the AWS default credential chain)',
      });
    }
  });

// Address, namespace, API key and TLS come from @temporalio/envconfig (profiles and the standard TEMPORAL_* names):
// see resolveTemporal in lib/temporal-connection.ts, applied by loadConfig.
const temporalSchema = z.object({
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('agent-metrics'),
  TEMPORAL_UI_URL: urlWithoutUserinfo('http://localhost:8233').optional(),
});

const exportSchema = z
  .object({
    EXPORT_NAME: z
      .string()
      .default('default')
      .refine(
        (v) => /^[a-z0-9][a-z0-9-]{0,40}$/.test(v),
        'expected a short name: a-z, 0-9 and -, at most 41 characters',
      ),
    CLICKHOUSE_TABLE: identifier('conversations'),
    // Unset: every customer's rows (docs/contract.md §11).
    CUSTOMER_ID: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected a customer_id UUID')
      .optional(),
    S3_PREFIX: keyPrefix.default('agent_metrics'),
    EXPORT_TIMEZONE: timezone,
    INCLUDE_STATUSES: statuses,
    MIN_ROWS: positiveInt(1),
    DATA_POLL_INTERVAL: duration('10m'),
    DATA_WAIT_TIMEOUT: duration('6h'),
    ON_EMPTY: z.enum(['fail', 'publish'], { error: "expected 'fail' or 'publish'" }).default('fail'),
    OUTPUT_FORMAT: z.enum(OUTPUT_FORMATS, { error: `expected one of ${OUTPUT_FORMATS.join(', ')}` }).default('csv'),
    METRIC_COLUMNS: metricColumns,
    DQ_MAX_LEFT_OUT_SHARE: z.coerce
      .number({ error: 'expected a fraction from 0 to 1, such as 0.05' })
      .min(0, 'expected a fraction from 0 to 1, such as 0.05')
      .max(1, 'expected a fraction from 0 to 1, such as 0.05')
      .optional(),
    DQ_MODE: z.enum(['warn', 'fail'], { error: "expected 'warn' or 'fail'" }).default('warn'),
    // Unset: no deadline, no `late` alerts (docs/contract.md §10).
    DELIVERY_DEADLINE: z
      .string()
      .refine((v) => isDeadline(v) === undefined, 'expected a local time of day as HH:MM, such as 07:00')
      .optional(),
  })
  .superRefine(checkDataPoll, whenParsed('DATA_POLL_INTERVAL', 'DATA_WAIT_TIMEOUT'));

/** ALERT_WEBHOOK_URL, also an export's `webhook` in EXPORTS_FILE (lib/exports). */
export const alertWebhookUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL that accepts JSON POSTs' })
  .optional();

const workerSchema = z.object({
  METRICS_ADDRESS: z
    .string()
    .default('127.0.0.1:9464')
    .refine((v) => v === 'off' || /^[^:\s]+:\d{1,5}$/.test(v), "expected host:port (such as 0.0.0.0:9464) or 'off'"),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'], { error: 'expected debug, info, warn or error' })
    .default('info'),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(8),
  // A secret (in SECRETS): only the worker reads it, and it never reaches a workflow (docs/contract.md §10).
  ALERT_WEBHOOK_URL: alertWebhookUrl,
});

const scheduleSchema = z.object({
  // No default here: unset means agent-metrics-<EXPORT_NAME>-daily (client/schedule-options.ts).
  SCHEDULE_ID: optionalText,
  // No default here: unset means EXPORT_TIMEZONE (a defaulted schema would always answer UTC).
  SCHEDULE_TIMEZONE: timeZone.optional(),
  SCHEDULE_TIME: z
    .string()
    .default('02:00')
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), 'expected a time of day as HH:MM, such as 02:00'),
  SCHEDULE_CRON: optionalText,
  SCHEDULE_CATCHUP_WINDOW: duration('3d'),
  LOOKBACK_DAYS: z.coerce.number({ error: 'expected a whole number from 0 to 31' }).int().min(0).max(31).default(3),
  BACKFILL_CONCURRENCY: z.coerce
    .number({ error: 'expected a whole number from 1 to 32' })
    .int('expected a whole number from 1 to 32')
    .min(1, 'expected a whole number from 1 to 32')
    .max(32, 'expected a whole number from 1 to 32')
    .default(4),
  BACKFILL_CHUNK_DAYS: z.coerce
    .number({ error: 'expected a whole number of days from 1 to 92' })
    .int('expected a whole number of days from 1 to 92')
    .min(1, 'expected a whole number of days from 1 to 92')
    .max(92, 'expected a whole number of days from 1 to 92')
    .default(31),
  BACKFILL_QUERY_THREADS: z.coerce
    .number({ error: 'expected a whole number from 0 to 256 (0: the server decides)' })
    .int('expected a whole number from 0 to 256 (0: the server decides)')
    .min(0, 'expected a whole number from 0 to 256 (0: the server decides)')
    .max(256, 'expected a whole number from 0 to 256 (0: the server decides)')
    .default(0),
});

const SCHEMAS = {
  clickhouse: clickhouseSchema,
  s3: s3Schema,
  temporal: temporalSchema,
  export: exportSchema,
  worker: workerSchema,
  schedule: scheduleSchema,
};
type Schemas = typeof SCHEMAS;
export type Section = keyof Schemas;
type Settings = Omit<{ [K in Section]: z.output<Schemas[K]> }, 'temporal'> & { temporal: TemporalSettings };
export type Config<S extends Section> = { [K in S]: Settings[K] };

export type ClickHouseSettings = z.output<typeof clickhouseSchema>;
export type S3Settings = z.output<typeof s3Schema>;
export type TemporalSettings = z.output<typeof temporalSchema> & {
  /** Resolved by @temporalio/envconfig: the profile, then the TEMPORAL_* variables. */
  readonly TEMPORAL_ADDRESS: string;
  readonly TEMPORAL_NAMESPACE: string;
  readonly connection: TemporalConnectionOptions;
};
export type ExportSettings = z.output<typeof exportSchema>;

/**
 * Reads and validates the named sections (docs/contract.md §7) from an environment (process.env by default, which the entry points fill
 * from `.env` first). Throws one ConfigError naming every bad variable; secret values are never echoed.
 */
export function loadConfig<S extends Section>(sections: readonly S[], env: NodeJS.ProcessEnv = process.env): Config<S> {
  const problems: string[] = [];
  const out: Partial<Record<Section, unknown>> = {};
  for (const section of sections) {
    const schema = SCHEMAS[section];
    const input = Object.fromEntries(
      Object.keys(schema.shape).map((key) => [
        key,
        env[key] === '' && !key.endsWith('PASSWORD') ? undefined : env[key],
      ]),
    );
    const result = schema.safeParse(input);
    if (result.success) {
      out[section] = section === 'temporal' ? withTemporalConnection(result.data, env, problems) : result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? section);
      const value = input[name];
      // Host and URL settings may carry user:password@; no value is shown with it.
      const shown = SECRETS.has(name) || value === undefined ? '' : ` (got '${maskUserinfo(String(value))}')`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config<S>;
}

/** The temporal section with the connection @temporalio/envconfig resolves (a file it cannot read is a problem). */
function withTemporalConnection(
  data: object,
  env: NodeJS.ProcessEnv,
  problems: string[],
): TemporalSettings | undefined {
  try {
    const { connection, namespace } = resolveTemporal(env);
    return {
      ...(data as z.output<typeof temporalSchema>),
      TEMPORAL_ADDRESS: connection.address,
      TEMPORAL_NAMESPACE: namespace,
      connection,
    };
  } catch (err) {
    problems.push(
      `Temporal connection (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, TEMPORAL_TLS_*): ${(err as Error).message}`,
    );
    return undefined;
  }
}
