import type { MetricColumn } from '../../common/metric-columns';
import { CSV_COLUMNS, formatCents, type AgentMetricsRow } from '../csv-format';
import { formatScaled } from '../metric-values';

/**
 * JSON lines (docs/contract.md §9): one object per agent, keys in the CSV's column order, numbers written with the
 * CSV's decimal text (so `1316.5`, never `1316.50` or a binary approximation), `agent_id` and `date` as strings.
 */
export function jsonlLines(rows: readonly AgentMetricsRow[], date: string, columns: readonly MetricColumn[]): string {
  const keys = [...CSV_COLUMNS, ...columns].map((k) => JSON.stringify(k));
  const day = JSON.stringify(date);
  return rows
    .map((r) => {
      const values = [
        JSON.stringify(r.agentId),
        formatCents(r.avgCents),
        formatCents(r.p90Cents),
        String(r.calls),
        day,
        ...columns.map((c, i) => formatScaled(c, r.extra?.[i])),
      ];
      return `{${values.map((v, i) => `${keys[i]}:${v}`).join(',')}}\n`;
    })
    .join('');
}
