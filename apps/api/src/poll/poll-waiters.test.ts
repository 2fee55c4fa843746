import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connectRedis } from '@hookfleet/store';
import { testRedisTarget } from '../../../../test/redis.js';
import { TooManyRequests } from '../abuse-limits.js';
import { PollWaiters } from './poll-waiters.js';

describe('long-poll waiters', () => {
  const redis = connectRedis(testRedisTarget());
  const channel = `tpollwait${randomBytes(4).toString('hex')}`;
  afterAll(() => redis.disconnect());

  const subscribed = async (name: string) => {
    for (;;) {
      const [, count] = (await redis.pubsub('NUMSUB', name)) as [string, number];
      if (count > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('reads again when told of a new message, and refuses a waiter over the bound with a Retry-After', async () => {
    const waiters = new PollWaiters(redis, 1);
    let found: string[] = [];
    const waiting = waiters.waitFor(`${channel}:a`, 30_000, async () => found);
    await subscribed(`${channel}:a`);
    await expect(waiters.waitFor(`${channel}:b`, 1000, async () => [])).rejects.toBeInstanceOf(TooManyRequests);
    found = ['message'];
    await redis.publish(`${channel}:a`, '1');
    expect(await waiting).toEqual(['message']);
    expect(waiters.size).toBe(0);
    await waiters.close();
  });

  it('ends an empty wait at its time even when subscribing to the channel took longer than the wait', async () => {
    // The subscribe round trip outlasts the wait, so the timer fires while the waiter is still joining.
    const slowSubscribing = {
      duplicate: () => {
        const subscriber = redis.duplicate();
        const subscribe = subscriber.subscribe.bind(subscriber) as (name: string) => Promise<unknown>;
        Object.assign(subscriber, { subscribe: async (name: string) => (await new Promise((resolve) => setTimeout(resolve, 200)), subscribe(name)) });
        return subscriber;
      },
    } as unknown as typeof redis;
    const waiters = new PollWaiters(slowSubscribing, 10);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 3 s'), 3000)));
    const answer = await Promise.race([waiters.waitFor(`${channel}:e`, 100, async () => []), hung]);
    clearTimeout(timer);
    expect(answer).toEqual([]);
    expect(waiters.size).toBe(0);
    await waiters.close();
  });

  it('answers every waiter with what it has when closed, and when its caller hangs up', async () => {
    const waiters = new PollWaiters(redis, 10);
    const hangUp = new AbortController();
    const abandoned = waiters.waitFor(`${channel}:c`, 30_000, async () => [], hangUp.signal);
    const open = waiters.waitFor(`${channel}:d`, 30_000, async () => []);
    await subscribed(`${channel}:d`);
    hangUp.abort();
    expect(await abandoned).toEqual([]);
    await waiters.close();
    expect(await open).toEqual([]);
    expect(waiters.size).toBe(0);
  });
});
