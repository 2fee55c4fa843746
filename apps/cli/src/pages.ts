import type { Page } from '@hookfleet/client';
import { CommandFailed } from './errors.js';

export const MAX_PAGE_SIZE = 500;

/**
 * One page from `cursor`, or with `all` every page after it, joined. A `next_cursor` already followed (or the one the
 * walk started from) is refused: following it again would loop for ever, printing nothing.
 */
export async function collectPages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
  options: { all: boolean; cursor?: string | undefined },
): Promise<Page<Item>> {
  let page = await fetchPage(options.cursor);
  if (!options.all) return page;
  const data = [...page.data];
  const followed = new Set(options.cursor === undefined ? [] : [options.cursor]);
  while (page.next_cursor) {
    const cursor = page.next_cursor;
    if (followed.has(cursor)) {
      throw new CommandFailed(`--all stopped: the API answered a next_cursor it had already given (${cursor}); following it again would never end`);
    }
    followed.add(cursor);
    page = await fetchPage(cursor);
    data.push(...page.data);
  }
  return { data, next_cursor: null };
}

/** On stderr, so a table on stdout stays clean for `| grep`. */
export function moreHint(nextCursor: string | null): string {
  return nextCursor ? `more: add --cursor ${nextCursor} (or --all)\n` : '';
}
