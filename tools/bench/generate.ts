import { cpus } from 'node:os';
import { ensureConversationsTable } from '../../lib/clickhouse/conversations-table';
import { qualifiedName } from '../../lib/clickhouse/sql-literals';
import { generateConversations } from '../generate/calls';
import { runBench } from './main';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 10_000_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * What bounds `npm run generate`: (a) the generator's CALLS calls of one day (seed 7, 2,000 agents) into a new table,
 * against (b) ClickHouse's own INSERT … SELECT of those same rows from that table into another new one (two
 * statements in flight, as the generator runs two). (b) writes the same bytes with no expressions to evaluate: the
 * write path alone. The two run in turn, each pair in the same minute; both tables are dropped at the end.
 */
runBench(async ({ services }) => {
  const { clickhouse: ch, database } = services;
  const [generated, copied] = ['bench_generate', 'bench_generate_copy'];
  const fresh = async (table: string) => {
    await ch.command({ query: `DROP TABLE IF EXISTS ${qualifiedName(database, table)}` });
    await ensureConversationsTable(ch, database, table);
  };
  console.log(
    `agent-metrics generator bench: ${cpus().length} cores, ${CALLS} calls in one day, ${RUNS} runs, medians`,
  );
  const generateMs: number[] = [];
  const copyMs: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < RUNS; i += 1) {
      await fresh(generated);
      const summary = await generateConversations(ch, {
        database,
        table: generated,
        from: '2024-05-14',
        to: '2024-05-14',
        callsPerDay: CALLS,
        agents: 2_000,
        seed: 7,
        timezone: 'UTC',
      });
      generateMs.push(summary.elapsedMs);
      rows = summary.rows;
      await fresh(copied);
      const started = Date.now();
      await Promise.all(
        [0, 1].map((half) =>
          ch.command({
            query: `INSERT INTO ${qualifiedName(database, copied)} SELECT * FROM ${qualifiedName(database, generated)}
WHERE cityHash64(call_start) % 2 = ${half}`,
          }),
        ),
      );
      copyMs.push(Date.now() - started);
    }
  } finally {
    for (const table of [generated, copied])
      await ch.command({ query: `DROP TABLE IF EXISTS ${qualifiedName(database, table)}` });
  }
  const pairs = generateMs.map((g, i) => g / copyMs[i]!);
  console.log(`rows                                        ${rows}`);
  console.log(
    `(a) generator (INSERT … SELECT … FROM numbers) ${seconds(median(generateMs))}   (runs: ${generateMs.map(seconds).join(', ')})`,
  );
  console.log(
    `(b) INSERT … SELECT of the same rows         ${seconds(median(copyMs))}   (runs: ${copyMs.map(seconds).join(', ')})`,
  );
  console.log(
    `(a)/(b), median of pairs                    ${median(pairs).toFixed(2)}   (pairs: ${pairs.map((r) => r.toFixed(2)).join(', ')})`,
  );
});
