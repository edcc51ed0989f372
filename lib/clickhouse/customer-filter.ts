import { uuidLiteral } from './sql-literals';

/**
 * The customer filter of an export (docs/contract.md §11), as the first term of a WHERE followed by `AND `, or ''
 * for the whole table. It comes first, on the first column of the table's sort key `(customer_id, agent_id,
 * call_start)`, so ClickHouse reads only that customer's granules: a per-customer export does not scan the others.
 */
export function customerFilterSql(customerId: string | undefined): string {
  return customerId === undefined ? '' : `customer_id = ${uuidLiteral(customerId)} AND `;
}
