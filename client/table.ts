/** A plain-text table: columns padded to their widest cell; `right` names the columns to align right (numbers). */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly string[] = [],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.includes(headers[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** 1234567 -> '1,234,567'; undefined -> '-'. */
export function count(value: number | undefined): string {
  return value === undefined ? '-' : value.toLocaleString('en-US');
}
