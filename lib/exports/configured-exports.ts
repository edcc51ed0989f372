import { bucketProblem, maskUserinfo } from '../config-rules';
import { loadConfig, type Config, type ExportSettings } from '../config';
import { ConfigError } from '../errors';
import { DELIVERY_SECRETS, deliverySchema, type DeliverySettings } from './delivery-settings';
import { readExportsFile, type ExportEntry } from './exports-file';
import { yamlKeyOf } from './yaml-keys';

export type ScheduleSettings = Config<'schedule'>['schedule'];

/** One export with its settings resolved: the entry's keys over the environment (docs/contract.md §11). */
export interface ConfiguredExport {
  readonly name: string;
  /** `file`: an entry of EXPORTS_FILE; `environment`: the single export the environment defines. */
  readonly source: 'file' | 'environment';
  /**
   * The export section as lib/config.ts reads it, EXPORT_NAME being the export's name. S3_BUCKET_NAME is set only
   * when the entry names a bucket; otherwise the worker's S3_BUCKET_NAME receives the files.
   */
  readonly settings: ExportSettings & { readonly S3_BUCKET_NAME?: string };
  /** The schedule section, with the entry's schedule time and time zone. */
  readonly schedule: ScheduleSettings;
  readonly delivery: DeliverySettings;
}

const PROBLEM = /^([A-Z][A-Z0-9_]*): (.*)$/s;

/**
 * One entry's problems, from lib/config.ts's messages (`VARIABLE: what is wrong (got '…')`): a variable the entry
 * set is named by its YAML key; one it left to the environment is reported once, as the environment's.
 */
function entryProblems(entry: ExportEntry, err: ConfigError, fromEnvironment: Set<string>): string[] {
  const out: string[] = [];
  for (const problem of err.problems) {
    const [, variable = '', rest = problem] = PROBLEM.exec(problem) ?? [];
    if (variable in entry.variables) out.push(`${entry.label}: ${yamlKeyOf(variable) ?? variable}: ${rest}`);
    else fromEnvironment.add(problem);
  }
  return out;
}

/** The delivery settings (§9–§10) of `env`; problems as lib/config.ts words them, secrets never shown. */
function loadDelivery(env: NodeJS.ProcessEnv): DeliverySettings {
  const input = Object.fromEntries(Object.keys(deliverySchema.shape).map((k) => [k, env[k] || undefined]));
  const result = deliverySchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = input[name];
      const shown = DELIVERY_SECRETS.has(name) || value === undefined ? '' : ` (got '${maskUserinfo(value)}')`;
      return `${name}: ${issue.message}${shown}`;
    }),
  );
}

/** Every section an export resolves, from one environment; one ConfigError listing every problem. */
function loadExportSections(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  let config: Config<'export' | 'schedule'> | undefined;
  let delivery: DeliverySettings | undefined;
  try {
    config = loadConfig(['export', 'schedule'], env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    delivery = loadDelivery(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const bucket = env.S3_BUCKET_NAME;
  const bad = bucket === undefined ? undefined : bucketProblem(bucket);
  if (bad) problems.push(`S3_BUCKET_NAME: ${bad} (got '${bucket}')`);
  if (problems.length > 0 || !config || !delivery) throw new ConfigError(problems);
  return { ...config, delivery };
}

function fromFile(file: string, env: NodeJS.ProcessEnv): ConfiguredExport[] {
  const { entries, problems: keyProblems } = readExportsFile(file);
  const problems: string[] = [...keyProblems];
  const fromEnvironment = new Set<string>();
  if (env.SCHEDULE_ID) {
    problems.push("SCHEDULE_ID: not used with EXPORTS_FILE: each export's schedule is agent-metrics-<name>-daily");
  }
  const out: ConfiguredExport[] = [];
  for (const entry of entries) {
    const merged: NodeJS.ProcessEnv = {
      ...env,
      S3_BUCKET_NAME: undefined,
      ...entry.variables,
      EXPORT_NAME: entry.name,
    };
    try {
      const { export: settings, schedule, delivery } = loadExportSections(merged);
      const bucket = entry.variables.S3_BUCKET_NAME;
      out.push({
        name: entry.name,
        source: 'file',
        settings: bucket === undefined ? settings : { ...settings, S3_BUCKET_NAME: bucket },
        schedule: { ...schedule, SCHEDULE_ID: undefined },
        delivery,
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...entryProblems(entry, err, fromEnvironment));
    }
  }
  problems.push(...fromEnvironment);
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

/**
 * Every configured export, in the file's order (docs/contract.md §11): the entries of EXPORTS_FILE, each a set of
 * keys laid over the environment, or, with no EXPORTS_FILE, the single export the environment defines (named
 * EXPORT_NAME). Throws one ConfigError listing every problem, each naming the export and the key. What commands,
 * the worker and the dashboard list as the exports.
 */
export function configuredExports(env: NodeJS.ProcessEnv = process.env): ConfiguredExport[] {
  const file = env.EXPORTS_FILE?.trim();
  if (file) return fromFile(file, env);
  const { export: settings, schedule, delivery } = loadExportSections({ ...env, S3_BUCKET_NAME: undefined });
  return [{ name: settings.EXPORT_NAME, source: 'environment', settings, schedule, delivery }];
}
