/**
 * The least time from the start of a fetch of messages that came back empty to the start of the next. An empty page
 * normally comes after the whole long-poll; one that comes sooner (`waitSeconds: 0`, an API shutting down, which
 * answers every long-poll at once, a proxy or another API that holds requests for less than asked) would otherwise be
 * asked again at once, as fast as the API answers, for as long as nothing comes.
 */
export const EMPTY_PAGE_INTERVAL_MS = 1000;

/**
 * The pause after an empty page that took `heldMs` to come: what the API held the fetch open counts towards the
 * interval, so a long-poll held for its wait is followed by the next at once, and an early answer by the rest.
 */
export function pauseAfterEmptyPageMs(heldMs: number): number {
  return Math.max(0, EMPTY_PAGE_INTERVAL_MS - Math.max(0, heldMs));
}
