import { CommanderError, type Command } from 'commander';
import { failureText } from '../common/failure-text';
import { ConfigError, UsageError } from '../lib/errors';

/**
 * Runs a CLI entry point: parses argv with `program`, then `main`. Bad arguments or settings exit 2, failures exit 1,
 * each with one clear message on stderr.
 */
export function runCli(program: Command, main: () => Promise<number | void>): void {
  // Subcommands (schedule create, …) get the same handling: a bad argument anywhere exits 2.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of all(program)) {
    command.exitOverride();
    command.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  }
  const go = async (): Promise<number> => {
    try {
      await program.parseAsync(process.argv);
    } catch (err) {
      if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
      throw err;
    }
    // Arguments parsed and checked: with AGENT_METRICS_PARSE_ONLY=1 (the README's command lines test) stop here.
    if (process.env.AGENT_METRICS_PARSE_ONLY === '1') return 0;
    return (await main()) ?? 0;
  };
  go()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      if (err instanceof UsageError || err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`error: ${failureText(err, Infinity)}\n`);
      process.exit(1);
    });
}
