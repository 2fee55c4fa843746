import { describe, expect, it } from '@jest/globals';
import { mapWithLimit } from './bounded-map.js';

describe('mapWithLimit', () => {
  it('keeps item order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithLimit([5, 1, 4, 2, 3, 0], 2, async (delay) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return delay * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('answers an empty list without running anything', async () => {
    expect(await mapWithLimit([], 64, async () => 1)).toEqual([]);
  });
});
