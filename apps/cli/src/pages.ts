import { everyItem, HookfleetRepeatedCursorError, type Page } from '@hookfleet/client';
import { CommandFailed } from './errors.js';

export const MAX_PAGE_SIZE = 500;

/**
 * One page from `cursor`, or with `all` every page after it, joined: the SDK's walk (everyItem), which refuses a
 * `next_cursor` already followed, so a looping API stops the command instead of running it for ever, printing nothing.
 */
export async function collectPages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
  options: { all: boolean; cursor?: string | undefined },
): Promise<Page<Item>> {
  if (!options.all) return fetchPage(options.cursor);
  const data: Item[] = [];
  try {
    for await (const item of everyItem(fetchPage, options.cursor)) data.push(item);
  } catch (error) {
    if (error instanceof HookfleetRepeatedCursorError) throw new CommandFailed(`--all stopped: ${error.message}`);
    throw error;
  }
  return { data, next_cursor: null };
}

/** On stderr, so a table on stdout stays clean for `| grep`. */
export function moreHint(nextCursor: string | null): string {
  return nextCursor ? `more: add --cursor ${nextCursor} (or --all)\n` : '';
}
