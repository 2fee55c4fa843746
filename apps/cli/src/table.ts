export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Longer cells are cut with `…`; the last column is never padded, so long text there costs nothing. */
  maxWidth?: number;
  align?: 'left' | 'right';
}

const GAP = '  ';

function truncate(text: string, maxWidth: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ');
  if (maxWidth === undefined || flat.length <= maxWidth) return flat;
  return `${flat.slice(0, Math.max(0, maxWidth - 1))}…`;
}

/** A plain-text table: a header row, then one line a row, columns two spaces apart, no trailing spaces. */
export function renderTable<Row>(columns: ReadonlyArray<Column<Row>>, rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => truncate(column.value(row), column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => (line[index] as string).length)));
  const renderLine = (line: readonly string[]) =>
    line
      .map((cell, index) => {
        const width = widths[index] as number;
        const isLast = index === line.length - 1;
        if (columns[index]?.align === 'right') return cell.padStart(width);
        return isLast ? cell : cell.padEnd(width);
      })
      .join(GAP)
      .trimEnd();
  return [renderLine(columns.map((column) => column.header)), ...cells.map(renderLine)].map((line) => `${line}\n`).join('');
}

/** `label: value` lines with the values aligned, for one object (a subscription, an operation). */
export function renderFields(fields: ReadonlyArray<readonly [label: string, value: string]>): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length + 1));
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`.trimEnd() + '\n').join('');
}
