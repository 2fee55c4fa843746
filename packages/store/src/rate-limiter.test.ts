import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Keys } from './keys.js';
import { RateLimiter } from './rate-limiter.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

/** A rate limit's line with merged jobs (rate-limiter.ts): the holder, the waiting list, and the holdership's end. */
describe("a rate limit's line holder and its waiting list", () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`trl${randomBytes(4).toString('hex')}`);
  const limiter = new RateLimiter(redis, keys);
  const limit = { per_minute: 1 };
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  const single = (job: string, eventId: string) => limiter.acquire('sub_h', limit, 1, { ticket: `q:${job}`, units: 1, mergeable: [eventId] });

  it('makes the first waiting job the holder, merges the next ones into its list in order, and ends the holdership on an empty list', async () => {
    expect(await single('1', 'e1')).toMatchObject({ granted: 1, merged: false });
    // Refused: no holder yet, so it holds the line (and waits for its turn itself).
    const holder = await single('2', 'e2');
    expect(holder).toMatchObject({ granted: 0, merged: false });
    expect(holder.waitMs).toBeGreaterThan(50_000);
    // The next ones join its list and may end: about a minute apart at 1 a minute.
    const third = await single('3', 'e3');
    const fourth = await single('4', 'e4');
    expect(third).toMatchObject({ granted: 0, merged: true });
    expect(fourth).toMatchObject({ granted: 0, merged: true });
    expect(fourth.waitMs).toBeGreaterThan(third.waitMs);
    // A job that may not be merged (a retry, a large group) lines up as before.
    expect(await limiter.acquire('sub_h', limit, 1, { ticket: 'q:5', units: 1 })).toMatchObject({ granted: 0, inLine: true, merged: false });
    expect(await limiter.lineTickets('sub_h')).toEqual(['q:2', 'q:5']);

    // Only the holder reads the list; what it read stays until it is written into its job (taken).
    expect(await limiter.nextWaiting('sub_h', 'q:3', 10)).toBeNull();
    expect(await limiter.nextWaiting('sub_h', 'q:2', 1)).toEqual(['e3']);
    expect(await limiter.nextWaiting('sub_h', 'q:2', 10)).toEqual(['e3', 'e4']);
    expect(await limiter.taken('sub_h', 'q:3', 1)).toBe(false);
    expect(await limiter.taken('sub_h', 'q:2', 1)).toBe(true);
    expect(await limiter.nextWaiting('sub_h', 'q:2', 10)).toEqual(['e4']);
    expect(await limiter.taken('sub_h', 'q:2', 1)).toBe(true);
    // Empty: the holdership ends in the same call, so the next job that would wait holds the line itself.
    expect(await limiter.nextWaiting('sub_h', 'q:2', 10)).toEqual([]);
    expect(await limiter.waitingLines(['sub_h'])).toEqual([{ waiting: 0, holder: null }]);
    expect(await single('6', 'e6')).toMatchObject({ granted: 0, inLine: true, merged: false });
    expect(await single('7', 'e7')).toMatchObject({ granted: 0, merged: true });
    expect(await limiter.nextWaiting('sub_h', 'q:6', 10)).toEqual(['e7']);
  });

  /** A holder `q:4` with `e5` in its list, under 10 a second (a burst of 3): the holder is at the head of the line. */
  async function holderWithOneWaiting(subscriptionId: string): Promise<void> {
    const fast = { per_second: 10 };
    const ask = (job: string) => limiter.acquire(subscriptionId, fast, 1, { ticket: `q:${job}`, units: 1, mergeable: [`e${job}`] });
    for (const job of ['1', '2', '3']) expect(await ask(job)).toMatchObject({ granted: 1 });
    expect(await ask('4')).toMatchObject({ granted: 0, merged: false });
    expect(await ask('5')).toMatchObject({ merged: true });
    expect(await limiter.waitingLines([subscriptionId])).toEqual([{ waiting: 1, holder: 'q:4' }]);
  }

  const holderKey = (subscriptionId: string) => `${keys.rateLimit(subscriptionId)}:line-holder`;
  const waitingKey = (subscriptionId: string) => keys.rateLimitWaiting(subscriptionId);
  const HOUR = 3_600_000;

  it('keeps the waiting list past any wait its holder is told: an endpoint paused for an hour', async () => {
    await holderWithOneWaiting('sub_ttl');
    // Kept for long from the first join: the list is the only note of what its events wait for.
    expect(await redis.pttl(waitingKey('sub_ttl'))).toBeGreaterThan(24 * HOUR);
    await limiter.pause('sub_ttl', HOUR);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The holder's turn came, and the endpoint's pause holds it: its list is kept past the pause, and longer still.
    const paused = await limiter.acquire('sub_ttl', { per_second: 10 }, 1, { ticket: 'q:4', units: 1, mergeable: ['e4'] });
    expect(paused).toMatchObject({ granted: 0, merged: false });
    expect(paused.waitMs).toBeGreaterThan(HOUR - 60_000);
    expect(await redis.pttl(waitingKey('sub_ttl'))).toBeGreaterThan(paused.waitMs + 24 * HOUR);
  });

  it('keeps the holder through an endpoint\'s pause, and a holder whose registration ran out takes the line back', async () => {
    await holderWithOneWaiting('sub_pause');
    await limiter.pause('sub_pause', HOUR);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const paused = await limiter.acquire('sub_pause', { per_second: 10 }, 1, { ticket: 'q:4', units: 1, mergeable: ['e4'] });
    expect(paused.waitMs).toBeGreaterThan(HOUR - 60_000);
    // Still the holder when the pause ends, not only for the 2-minute grace.
    expect(await redis.pttl(holderKey('sub_pause'))).toBeGreaterThan(paused.waitMs);

    // Its registration gone all the same (a job that stepped aside for long): back, it takes the line and drains it;
    // a job that comes after finds it held.
    await redis.del(holderKey('sub_pause'));
    expect(await limiter.nextWaiting('sub_pause', 'q:4', 10)).toEqual(['e5']);
    expect(await limiter.nextWaiting('sub_pause', 'q:9', 10)).toBeNull();
    expect(await limiter.taken('sub_pause', 'q:4', 1)).toBe(true);
    expect(await limiter.nextWaiting('sub_pause', 'q:4', 10)).toEqual([]);
    expect(await limiter.waitingLines(['sub_pause'])).toEqual([{ waiting: 0, holder: null }]);
  });

  it('hands the line to a sweep\'s job only from the holder named, or when nobody holds it', async () => {
    await holderWithOneWaiting('sub_claim');
    expect(await limiter.claimWaiting('sub_claim', null, 'q:sweep')).toBe(false);
    expect(await limiter.claimWaiting('sub_claim', 'q:other', 'q:sweep')).toBe(false);
    expect(await limiter.claimWaiting('sub_claim', 'q:4', 'q:sweep')).toBe(true);
    expect(await limiter.nextWaiting('sub_claim', 'q:4', 10)).toBeNull();
    expect(await limiter.nextWaiting('sub_claim', 'q:sweep', 10)).toEqual(['e5']);
    await redis.del(holderKey('sub_claim'));
    expect(await limiter.claimWaiting('sub_claim', null, 'q:sweep2')).toBe(true);
    expect(await limiter.waitingLines(['sub_claim', 'sub_none'])).toEqual([
      { waiting: 1, holder: 'q:sweep2' },
      { waiting: 0, holder: null },
    ]);
  });

  it('merges nothing without a limit: the events go at once', async () => {
    expect(await limiter.acquire('sub_free', null, 1, { ticket: 'q:1', units: 1, mergeable: ['e1'] })).toMatchObject({ granted: 1, merged: false });
  });
});
