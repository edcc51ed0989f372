import { loadConfig, type Config, type Section } from '../lib/config';
import { ConfigError, UsageError } from '../lib/errors';
import { configuredExports, type ConfiguredExport } from '../lib/exports/configured-exports';

/** The `--export <name>` option's help text. */
export const EXPORT_OPTION = [
  '--export <name>',
  'the export of EXPORTS_FILE to act on (default: see docs/operations.md)',
] as const;

function named(all: readonly ConfiguredExport[], name: string): ConfiguredExport {
  const found = all.find((e) => e.name === name);
  if (found) return found;
  throw new UsageError(`--export: no export named '${name}'; the exports are ${all.map((e) => e.name).join(', ')}`);
}

/**
 * The exports a command acts on (docs/contract.md §11): the one --export names, else every export for `status` and
 * `schedule` (`which: 'all'`). `export` and `backfill` (`which: 'one'`) start runs that write files, so with several
 * exports and no --export they refuse, listing the names, rather than guess or multiply the work.
 */
export function chosenExports(
  name: string | undefined,
  which: 'one' | 'all',
  env: NodeJS.ProcessEnv = process.env,
): ConfiguredExport[] {
  const all = configuredExports(env);
  if (name !== undefined) return [named(all, name)];
  if (which === 'all' || all.length === 1) return all;
  throw new UsageError(
    `${all.length} exports are configured (${all.map((e) => e.name).join(', ')}): choose one with --export <name>`,
  );
}

/**
 * The command's other settings sections and its exports, read together: one ConfigError lists every bad variable
 * and every bad key of EXPORTS_FILE (docs/contract.md §7), not only those of whichever was read first.
 */
export function settingsAndExports<S extends Section>(
  sections: readonly S[],
  name: string | undefined,
  which: 'one' | 'all',
  env: NodeJS.ProcessEnv = process.env,
): { config: Config<S>; exports: ConfiguredExport[] } {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(sections, env));
  const exports = attempt(() => chosenExports(name, which, env));
  if (problems.length > 0 || !config || !exports) throw new ConfigError(problems);
  return { config, exports };
}

/** The single export a command acts on. */
export function chosenExport(name: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfiguredExport {
  return chosenExports(name, 'one', env)[0]!;
}
