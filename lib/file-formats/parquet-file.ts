import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { COLUMN_KINDS, type MetricColumn } from '../../common/metric-columns';
import { CSV_COLUMNS, rowTexts, type AgentMetricsRow } from '../csv-format';

type Physical = 'string' | 'date' | 'int64' | 'double';

/** The Parquet type of each column (docs/contract.md §9): UTF-8 strings, DATE, INT64 counts, DOUBLE lengths and rates. */
function physicalTypes(columns: readonly MetricColumn[]): Physical[] {
  const required: Physical[] = ['string', 'double', 'double', 'int64', 'date'];
  return [...required, ...columns.map((c): Physical => (COLUMN_KINDS[c].count ? 'int64' : 'double'))];
}

function schemaElement(name: string, type: Physical): SchemaElement {
  const base = { name, repetition_type: 'REQUIRED' } as const;
  switch (type) {
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'int64':
      return { ...base, type: 'INT64' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
  }
}

/**
 * Collects a day's rows into columns and writes them as one Parquet file (hyparquet-writer, snappy). Lengths and
 * rates are the doubles nearest to the CSV's decimal text (`Number('1316.5')`), so a reader gets the rounded value.
 */
export function parquetCollector(date: string, columns: readonly MetricColumn[]) {
  const names = [...CSV_COLUMNS, ...columns];
  const types = physicalTypes(columns);
  const data: unknown[][] = names.map(() => []);
  const day = new Date(`${date}T00:00:00Z`);
  return {
    add(r: AgentMetricsRow): void {
      const texts = rowTexts(r, date, columns);
      texts.forEach((text, i) => {
        const type = types[i]!;
        data[i]!.push(
          type === 'string' ? text : type === 'date' ? day : type === 'int64' ? BigInt(text) : Number(text),
        );
      });
    },
    async bytes(): Promise<Uint8Array> {
      const writer = new ByteWriter();
      await parquetWrite({
        writer,
        columnData: names.map((name, i) => ({ name, data: data[i]! as never, nullable: false })),
        schema: [{ name: 'root', num_children: names.length }, ...names.map((n, i) => schemaElement(n, types[i]!))],
        createdBy: 'agent-metrics (hyparquet-writer)',
      });
      return writer.getBytes();
    },
  };
}
