import { api, ApiError } from './api.js';
import type { EventType, Page } from './types.js';

/** The most a page of `GET /v1/event-types` may hold (the API's `limit` bound): fewer requests for a whole catalogue. */
const CATALOGUE_PAGE_LIMIT = 500;

/**
 * The whole event catalogue (or one profile's), page after page: `GET /v1/event-types` answers a page at a time
 * (docs/api.md, "Event types"), and the event picker and the test panel need every type. A `next_cursor` already
 * followed stops the walk with an error rather than ask for the same pages for ever.
 */
export async function loadEventCatalogue(profile?: string): Promise<{ data: EventType[] }> {
  const data: EventType[] = [];
  const followed = new Set<string>();
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(CATALOGUE_PAGE_LIMIT) });
    if (profile) query.set('profile', profile);
    if (cursor) query.set('cursor', cursor);
    const page: Page<EventType> = await api.get<Page<EventType>>(`/v1/event-types?${query.toString()}`);
    data.push(...page.data);
    cursor = page.next_cursor;
    if (cursor !== null && followed.has(cursor)) throw new ApiError('The event catalogue answered the same page twice. Reload the page.', 0);
    if (cursor !== null) followed.add(cursor);
  } while (cursor !== null);
  return { data };
}
