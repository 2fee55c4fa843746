import { describe, expect, it } from '@jest/globals';
import type { Page } from '@hookfleet/client';
import { CommandFailed } from './errors.js';
import { collectPages } from './pages.js';

/** An API's pages as a table: the page each cursor (or none) answers. */
function pagesOf(answers: Record<string, Page<number>>) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined) => {
    // A walk that never stops must fail the test, not hang it.
    if (asked.length === 10) throw new Error('asked for more than 10 pages');
    asked.push(cursor);
    const page = answers[cursor ?? ''];
    if (!page) throw new Error(`no page at ${cursor}`);
    return page;
  };
  return { asked, fetchPage };
}

describe('collectPages', () => {
  it('follows every next_cursor to the end with --all', async () => {
    const { fetchPage } = pagesOf({ '': { data: [1], next_cursor: 'a' }, a: { data: [2], next_cursor: 'b' }, b: { data: [3], next_cursor: null } });
    expect(await collectPages(fetchPage, { all: true })).toEqual({ data: [1, 2, 3], next_cursor: null });
  });

  it.each([
    ['the cursor it was sent', { '': { data: [1], next_cursor: 'a' }, a: { data: [2], next_cursor: 'a' } }, undefined],
    ['a cursor of two pages before', { '': { data: [1], next_cursor: 'a' }, a: { data: [2], next_cursor: 'b' }, b: { data: [3], next_cursor: 'a' } }, undefined],
    ['the --cursor the walk started from', { s: { data: [1], next_cursor: 'a' }, a: { data: [2], next_cursor: 's' } }, 's'],
  ])('refuses a next_cursor it already followed: %s', async (_what, answers, cursor) => {
    const { asked, fetchPage } = pagesOf(answers);
    const walk = collectPages(fetchPage, { all: true, cursor });
    await expect(walk).rejects.toThrow(CommandFailed);
    await expect(walk).rejects.toThrow(/--all stopped: the API answered a next_cursor it had already given \(\w\)/);
    expect(new Set(asked).size).toBe(asked.length);
  });
});
