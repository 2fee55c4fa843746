import { describe, expect, it } from '@jest/globals';
import { EMPTY_PAGE_INTERVAL_MS, pauseAfterEmptyPageMs } from './poll-pace.js';

describe('pauseAfterEmptyPageMs', () => {
  it.each([
    ['an answer at once (wait 0, an API shutting down)', 0, EMPTY_PAGE_INTERVAL_MS],
    ['an answer held part of the interval', 400, EMPTY_PAGE_INTERVAL_MS - 400],
    ['an answer held exactly the interval', EMPTY_PAGE_INTERVAL_MS, 0],
    ['a long-poll held for its wait', 20_000, 0],
    ['a clock that stepped back during the fetch', -5_000, EMPTY_PAGE_INTERVAL_MS],
  ])('%s: held %i ms, pauses %i ms', (_case, heldMs, pauseMs) => {
    expect(pauseAfterEmptyPageMs(heldMs)).toBe(pauseMs);
  });
});
