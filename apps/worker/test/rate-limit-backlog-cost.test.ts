import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RateLimiter } from '@hookfleet/store';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** The most arrivals in any window of `windowMs`. */
function mostInWindow(arrivals: readonly number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to += 1) {
    while ((sorted[to] as number) - (sorted[from] as number) >= windowMs) from += 1;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/** Counts the limiter's round trips to Redis (acquire and lineUp) of one worker. */
function countLimiterCalls(limiter: RateLimiter): { calls: number } {
  const counter = { calls: 0 };
  for (const name of ['acquire', 'lineUp'] as const) {
    const original = limiter[name].bind(limiter) as (...args: unknown[]) => Promise<unknown>;
    (limiter as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      counter.calls += 1;
      return original(...args);
    };
  }
  return counter;
}

/**
 * A backlog waiting for a subscription's rate limit (docs/delivery.md, "Rate limits"): with many group jobs waiting,
 * each used to be told the next free slot and came back with all the others to ask again (each in its worker slot
 * every interval, then out and back in): 2,000 deliveries waiting at 20 a second cost Redis 20,000 commands a second.
 * Now each job waits in the subscription's line for its turn, so the limiter is asked a few times per delivery.
 */
describe('a throttled backlog across three workers', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  const counters: Array<{ calls: number }> = [];

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' }, { workers: 3 });
    for (const worker of fleet.workers) counters.push(countLimiterCalls(worker.context.limiter));
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('waits in line: a few limiter calls a delivery, the limit held, each delivered once', async () => {
    const perSecond = 40;
    const total = 800;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/paced'), events: ['paced.*'], rate_limit: { per_second: perSecond } }, tenant.api_key);
    expect(created.status).toBe(201);
    // Batches of 10: 80 group jobs wait for one subscription's limit at once.
    for (let offset = 0; offset < total; offset += 10) {
      const events = Array.from({ length: 10 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'paced.tick', id: `paced-${offset + index}`, data: {} }));
      expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    }
    await waitFor(() => receiver.forPath('/paced').length >= total, { timeoutMs: 90_000, intervalMs: 200, message: `${total} deliveries` });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 20_000, message: 'no job left' });

    const requests = receiver.forPath('/paced');
    expect(requests).toHaveLength(total);
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(total);
    // 40 a second with a burst of 0.3 s worth (12, rate-limiter.ts), over three workers; 10 % for the receiver's
    // clock on a busy machine.
    expect(mostInWindow(requests.map((request) => request.at), 5000)).toBeLessThanOrEqual(Math.ceil((5 * perSecond + 12) * 1.1));
    // Before the line: about 50 calls a delivery (every waiting job asked every 25 ms). Now: its turn, its pacing in
    // place (one call a grant at most), and its place at the end of the line when its turn is over.
    const calls = counters.reduce((sum, counter) => sum + counter.calls, 0);
    expect(calls / total).toBeLessThan(5);
  }, 120_000);
});
