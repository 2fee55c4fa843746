import type { Page } from '@hookfleet/client';

export const MAX_PAGE_SIZE = 500;

/** One page from `cursor`, or with `all` every page after it, joined. */
export async function collectPages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
  options: { all: boolean; cursor?: string | undefined },
): Promise<Page<Item>> {
  let page = await fetchPage(options.cursor);
  if (!options.all) return page;
  const data = [...page.data];
  while (page.next_cursor) {
    page = await fetchPage(page.next_cursor);
    data.push(...page.data);
  }
  return { data, next_cursor: null };
}

/** On stderr, so a table on stdout stays clean for `| grep`. */
export function moreHint(nextCursor: string | null): string {
  return nextCursor ? `more: add --cursor ${nextCursor} (or --all)\n` : '';
}
