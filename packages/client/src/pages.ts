import type { Page } from '@hookfleet/core';
import { HookfleetClientError } from './errors.js';

/**
 * Every item of a paged list (`{ data, next_cursor }`), from the page at `cursor` (the first without one) to the last,
 * following `next_cursor`. A page is fetched when the loop has used up the one before, so breaking out early fetches
 * no more; a failed fetch throws from the loop, after the items already yielded.
 */
export async function* everyItem<Item>(fetchPage: (cursor: string | undefined) => Promise<Page<Item>>, cursor?: string): AsyncGenerator<Item, void, undefined> {
  let position = cursor;
  for (;;) {
    const page = await fetchPage(position);
    yield* page.data;
    if (!page.next_cursor) return;
    // A cursor that leads back to itself would loop for ever, each time yielding the same page.
    if (page.next_cursor === position) throw new HookfleetClientError(`hookfleet answered the same next_cursor it was sent (${position}): stopped walking the pages`);
    position = page.next_cursor;
  }
}
