import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { refreshEvery } from './refresh-every.js';

describe('refreshEvery', () => {
  it('keeps refreshing after a refresh that throws', async () => {
    let calls = 0;
    const stop = refreshEvery(5, async () => {
      calls += 1;
      if (calls === 1) throw new Error('Redis away');
    });
    try {
      await waitFor(() => calls >= 3, { message: 'refreshes after the failed one' });
    } finally {
      stop();
    }
  });

  it('never starts a refresh while the previous one runs', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let started = 0;
    let finish: () => void = () => undefined;
    const stop = refreshEvery(5, async () => {
      started += 1;
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => (finish = resolve));
      running -= 1;
    });
    try {
      // Ten intervals pass while the first refresh hangs; only once it ends does the next one start.
      const tenIntervalsLater = Date.now() + 50;
      await waitFor(() => Date.now() >= tenIntervalsLater);
      expect(started).toBe(1);
      finish();
      await waitFor(() => started >= 2, { message: 'the next refresh after the first ended' });
      finish();
      expect(mostAtOnce).toBe(1);
    } finally {
      stop();
      finish();
    }
  });
});
