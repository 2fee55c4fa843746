import type { OutputStream } from './io.js';
import { renderFields, renderTable, type Column } from './table.js';

/** Machine output: one JSON document, then a newline. */
export function printJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Human output: a table, or `empty` when there are no rows. */
export function printTable<Row>(stream: OutputStream, columns: ReadonlyArray<Column<Row>>, rows: readonly Row[], empty: string): void {
  stream.write(rows.length === 0 ? `${empty}\n` : renderTable(columns, rows));
}

export function printFields(stream: OutputStream, fields: ReadonlyArray<readonly [string, string]>): void {
  stream.write(renderFields(fields));
}

/** `yes`, `no (failing)`: a subscription's state in one word or two. */
export function activeLabel(subscription: { active: boolean; disabled_reason: string | null }): string {
  if (subscription.active) return 'yes';
  return subscription.disabled_reason ? `no (${subscription.disabled_reason})` : 'no';
}

/** `1 event`, `2 events`: a count with its noun in the number English wants. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
