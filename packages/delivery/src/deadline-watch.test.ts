import { afterEach, describe, expect, it } from '@jest/globals';
import { DeadlineWatch, type Watched } from './deadline-watch.js';

const TICK_MS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type TestRequest = Watched & { expired: boolean };

/** A request with a deadline that leaves the watch when it expires, as the transport's collectors do. */
function request(watch: DeadlineWatch<TestRequest>, deadline: number): TestRequest {
  const entry = {
    deadline,
    listIndex: -1,
    expired: false,
    expire() {
      entry.expired = true;
      watch.delete(entry);
    },
  };
  watch.add(entry);
  return entry;
}

describe('DeadlineWatch', () => {
  const watches: Array<DeadlineWatch<TestRequest>> = [];
  afterEach(() => {
    for (const watch of watches.splice(0)) watch.close();
  });

  it('expires every request past its deadline in one tick, and only those', async () => {
    const ticks: number[] = [];
    const watch = new DeadlineWatch<TestRequest>(TICK_MS, (now) => ticks.push(now));
    watches.push(watch);
    const now = performance.now();
    const due = Array.from({ length: 6 }, () => request(watch, now));
    const later = Array.from({ length: 3 }, () => request(watch, now + 60_000));
    // Finished before its deadline: never expired.
    const finished = request(watch, now);
    watch.delete(finished);
    await sleep(TICK_MS * 6);
    expect(due.every((entry) => entry.expired)).toBe(true);
    expect(later.some((entry) => entry.expired)).toBe(false);
    expect(finished.expired).toBe(false);
    expect(watch.size).toBe(3);
    expect(ticks.length).toBeGreaterThan(0);
  });

  it('stops its timer once nothing is in flight, and starts it again with the next request', async () => {
    let ticks = 0;
    const watch = new DeadlineWatch<TestRequest>(TICK_MS, () => (ticks += 1));
    watches.push(watch);
    const first = request(watch, performance.now() + 60_000);
    watch.delete(first);
    await sleep(TICK_MS * 4);
    expect(ticks).toBe(0);
    const second = request(watch, performance.now());
    await sleep(TICK_MS * 4);
    expect(second.expired).toBe(true);
    expect(ticks).toBeGreaterThan(0);
    const afterLast = ticks;
    await sleep(TICK_MS * 4);
    expect(ticks).toBe(afterLast);
  });
});
