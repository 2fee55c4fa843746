import type { Page } from '@hookfleet/core';
import { HookfleetRepeatedCursorError } from './errors.js';

/**
 * Every item of a paged list (`{ data, next_cursor }`), from the page at `cursor` (the first without one) to the last,
 * following `next_cursor`. A page is fetched when the loop has used up the one before, so breaking out early fetches
 * no more; a failed fetch throws from the loop, after the items already yielded. A `next_cursor` already followed (or
 * the one the walk began from) throws a HookfleetRepeatedCursorError: following it again would loop for ever, yielding the same
 * pages (the CLI's `--all` walks with this too).
 */
export async function* everyItem<Item>(fetchPage: (cursor: string | undefined) => Promise<Page<Item>>, cursor?: string): AsyncGenerator<Item, void, undefined> {
  let position = cursor;
  const followed = new Set(cursor === undefined ? [] : [cursor]);
  for (;;) {
    const page = await fetchPage(position);
    yield* page.data;
    if (!page.next_cursor) return;
    if (followed.has(page.next_cursor)) throw new HookfleetRepeatedCursorError(page.next_cursor);
    followed.add(page.next_cursor);
    position = page.next_cursor;
  }
}
