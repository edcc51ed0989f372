import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { ConfigError } from '../errors';
import { LIST_KEYS, SCHEDULE_KEYS, YAML_KEYS } from './yaml-keys';

/** An export's name (docs/contract.md §11): it becomes part of workflow ids and schedule ids. */
export const EXPORT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** One entry of EXPORTS_FILE: its name, where it is (for messages) and the variables its keys set. */
export interface ExportEntry {
  readonly name: string;
  /** `exports[1] (name "acme")`: how messages name the entry. */
  readonly label: string;
  /** Each key the entry sets, as the variable it overrides and its value as the variable would hold it. */
  readonly variables: Readonly<Record<string, string>>;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const known = (keys: object) => Object.keys(keys).join(', ');

/** A key's value as its variable holds it: a scalar as text, a list (statuses, columns) joined by commas. */
function variableValue(key: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (LIST_KEYS.has(key) && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  return undefined;
}

/** The problems of one entry's keys, each as `key: what is wrong`; fills `variables`. */
function entryKeys(entry: Record<string, unknown>, variables: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'name') continue;
    if (key === 'schedule') {
      problems.push(...scheduleKeys(value, variables));
      continue;
    }
    const variable = (YAML_KEYS as Record<string, string>)[key];
    if (variable === undefined) {
      problems.push(`${key}: unknown key (expected name, ${known(YAML_KEYS)}, schedule)`);
      continue;
    }
    const text = variableValue(key, value);
    if (text === undefined) {
      problems.push(
        `${key}: expected ${LIST_KEYS.has(key) ? 'a list of names or a comma-separated string' : 'a value'}`,
      );
    } else {
      variables[variable] = text;
    }
  }
  return problems;
}

function scheduleKeys(value: unknown, variables: Record<string, string>): string[] {
  if (!isMapping(value)) return [`schedule: expected a mapping with ${known(SCHEDULE_KEYS)}`];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const variable = (SCHEDULE_KEYS as Record<string, string>)[key];
    const text = variableValue(key, v);
    if (variable === undefined) problems.push(`schedule.${key}: unknown key (expected ${known(SCHEDULE_KEYS)})`);
    else if (text === undefined) problems.push(`schedule.${key}: expected a value`);
    else variables[variable] = text;
  }
  return problems;
}

/** What an EXPORTS_FILE holds: its entries and the problems of their names and keys. */
export interface ExportsFile {
  readonly entries: readonly ExportEntry[];
  /** Each as `exports[1] (name "acme"): key: what is wrong`. */
  readonly problems: readonly string[];
}

/**
 * The exports of an EXPORTS_FILE's text (docs/contract.md §11): its structure, names and keys checked, each key
 * turned into the variable it overrides. The values themselves are checked by lib/exports/configured-exports.ts,
 * so one run reports both. Throws a ConfigError when the text is not a list of exports at all.
 */
export function parseExportsFile(text: string, file: string): ExportsFile {
  // Loaded only when there is a file: every command reads its exports, and without a file yaml's ~40 ms stay unspent.
  const { parseDocument } = createRequire(__filename)('yaml') as typeof Yaml;
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `EXPORTS_FILE ${file}: not valid YAML: ${e.message.split('\n')[0]}`));
  }
  const root: unknown = doc.toJS();
  if (!isMapping(root) || !Array.isArray(root.exports) || root.exports.length === 0) {
    throw new ConfigError([`EXPORTS_FILE ${file}: expected a mapping with 'exports:', a list of one export or more`]);
  }
  const problems = Object.keys(root)
    .filter((k) => k !== 'exports')
    .map((k) => `EXPORTS_FILE ${file}: ${k}: unknown key (expected exports)`);
  const entries: ExportEntry[] = [];
  const seen = new Map<string, number>();
  for (const [i, entry] of (root.exports as unknown[]).entries()) {
    const name = isMapping(entry) ? variableValue('name', entry.name) : undefined;
    const label = name === undefined ? `exports[${i}]` : `exports[${i}] (name "${name}")`;
    if (!isMapping(entry)) {
      problems.push(`${label}: expected a mapping with name and the keys to set`);
      continue;
    }
    const variables: Record<string, string> = {};
    const own = entryKeys(entry, variables);
    if (name === undefined || !EXPORT_NAME_PATTERN.test(name)) {
      own.unshift('name: required, a short name of a-z, 0-9 and - (at most 41 characters, not starting with -)');
    } else if (seen.has(name)) {
      own.unshift(`name: "${name}" is also the name of exports[${seen.get(name)}]; names must be unique`);
    } else {
      seen.set(name, i);
      entries.push({ name, label, variables });
    }
    problems.push(...own.map((p) => `${label}: ${p}`));
  }
  return { entries, problems };
}

/** Reads and parses EXPORTS_FILE; a file that cannot be read is a ConfigError naming it. */
export function readExportsFile(file: string): ExportsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`EXPORTS_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  return parseExportsFile(text, file);
}
