import { UsageError } from '../lib/errors';
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

/** The single export a command acts on. */
export function chosenExport(name: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfiguredExport {
  return chosenExports(name, 'one', env)[0]!;
}
