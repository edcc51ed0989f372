import { CommanderError, type Command } from 'commander';
import { ConfigError, UsageError } from '../lib/errors';

/**
 * Runs a CLI entry point: parses argv with `program`, then `main`. Bad arguments or settings exit 2, failures exit 1,
 * each with one clear message on stderr.
 */
export function runCli(program: Command, main: () => Promise<number | void>): void {
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const go = async (): Promise<number> => {
    try {
      await program.parseAsync(process.argv);
    } catch (err) {
      if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
      throw err;
    }
    return (await main()) ?? 0;
  };
  go()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      if (err instanceof UsageError || err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`error: ${describeError(err)}\n`);
      process.exit(1);
    });
}

/** The message of an error and of each error in its cause chain, deduplicated: 'a: b: c'. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 8; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
  }
  return parts.join(': ') || String(err);
}
