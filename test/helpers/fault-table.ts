import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './stack';

/** One line of the fault matrix: what was done to a run and how the day came out. */
export interface FaultRow {
  readonly fault: string;
  readonly survived: boolean;
  readonly bytesIdentical: boolean;
  readonly leftovers: string;
  readonly seconds: number;
  /** Why the case failed, when it did. */
  readonly note: string;
}

export const FAULT_TABLE_FILE = path.join(REPO_ROOT, '.stack', 'fault-matrix.md');

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The fault matrix as a markdown table (also what the mocha run prints). */
export function faultTable(rows: readonly FaultRow[], totalSeconds: number): string {
  const lines = [
    '| case | survived | bytes identical | leftovers | seconds | note |',
    '| --- | --- | --- | --- | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.fault} | ${yesNo(r.survived)} | ${yesNo(r.bytesIdentical)} | ${r.leftovers} | ${r.seconds.toFixed(1)} | ` +
        `${r.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
    ),
    '',
    `Whole tier: ${totalSeconds.toFixed(1)} s.`,
  ];
  return lines.join('\n') + '\n';
}

/** Prints the table and writes it to .stack/fault-matrix.md. */
export function publishFaultTable(rows: readonly FaultRow[], totalSeconds: number): string {
  const table = faultTable(rows, totalSeconds);
  mkdirSync(path.dirname(FAULT_TABLE_FILE), { recursive: true });
  writeFileSync(FAULT_TABLE_FILE, `# Fault matrix (${new Date().toISOString()})\n\n${table}`);
  return table;
}
