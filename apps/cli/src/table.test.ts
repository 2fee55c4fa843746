import { describe, expect, it } from '@jest/globals';
import { renderFields, renderTable, type Column } from './table.js';

interface Row {
  id: string;
  status: string;
  attempts: number;
  url: string;
}

const columns: Array<Column<Row>> = [
  { header: 'ID', value: (row) => row.id },
  { header: 'STATUS', value: (row) => row.status },
  { header: 'ATTEMPTS', value: (row) => String(row.attempts), align: 'right' },
  { header: 'URL', value: (row) => row.url },
];

describe('renderTable', () => {
  it('pads columns to their widest cell, two spaces apart, numbers right-aligned, no trailing spaces', () => {
    const text = renderTable(columns, [
      { id: 'dlv_1', status: 'dead', attempts: 8, url: 'https://a.example/hook' },
      { id: 'dlv_22', status: 'delivered', attempts: 10, url: 'https://b.example' },
    ]);
    expect(text).toBe(
      ['ID      STATUS     ATTEMPTS  URL', 'dlv_1   dead              8  https://a.example/hook', 'dlv_22  delivered        10  https://b.example', ''].join(
        '\n',
      ),
    );
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(columns, [])).toBe('ID  STATUS  ATTEMPTS  URL\n');
  });

  it('cuts a cell longer than its column allows and flattens newlines', () => {
    const narrow: Array<Column<{ text: string }>> = [
      { header: 'TEXT', value: (row) => row.text, maxWidth: 8 },
      { header: 'END', value: () => 'x' },
    ];
    expect(renderTable(narrow, [{ text: 'a long\ndescription' }])).toBe('TEXT      END\na long …  x\n');
  });

  it('keeps the last column unpadded however long the others are', () => {
    const lines = renderTable(columns, [
      { id: 'a', status: 's', attempts: 1, url: 'u' },
      { id: 'b', status: 's', attempts: 1, url: 'a-much-longer-url' },
    ]).split('\n');
    expect(lines[1]).toBe('a   s              1  u');
  });
});

describe('renderFields', () => {
  it('aligns values after their labels', () => {
    expect(
      renderFields([
        ['id', 'sub_1'],
        ['rate limit', 'none'],
        ['description', ''],
      ]),
    ).toBe('id:          sub_1\nrate limit:  none\ndescription:\n');
  });
});
