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

  /** A Redis whose pub/sub connection holds each SUBSCRIBE until `release` and fails the ones `failing` names. */
  const gatedSubscribing = () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = new Set<number>();
    let subscribes = 0;
    const client = {
      duplicate: () => {
        const subscriber = redis.duplicate();
        const subscribe = subscriber.subscribe.bind(subscriber) as (name: string) => Promise<unknown>;
        Object.assign(subscriber, {
          subscribe: async (name: string) => {
            subscribes += 1;
            const fails = failing.has(subscribes);
            await gate;
            if (fails) throw new Error('connection lost');
            return subscribe(name);
          },
        });
        return subscriber;
      },
    } as unknown as typeof redis;
    return { client, release, failing };
  };
  /** The waiter's answer, or a note that it still waits after 3 s (it should answer at once; it waits 30 s). */
  const within3s = async <T>(waiting: Promise<T>): Promise<T | string> => {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 3 s'), 3000)));
    try {
      return await Promise.race([waiting, hung]);
    } finally {
      clearTimeout(timer);
    }
  };

  it('tells a second waiter of a message appended while the first was still subscribing the channel', async () => {
    const { client, release } = gatedSubscribing();
    const waiters = new PollWaiters(client, 10);
    let found: string[] = [];
    const first = waiters.waitFor(`${channel}:f`, 30_000, async () => found);
    const second = waiters.waitFor(`${channel}:f`, 30_000, async () => found);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Appended (and published to nobody) before the SUBSCRIBE is in place: each waiter must find it by reading after.
    found = ['message'];
    await redis.publish(`${channel}:f`, '1');
    release();
    expect(await within3s(first)).toEqual(['message']);
    expect(await within3s(second)).toEqual(['message']);
    await waiters.close();
  });

  it('subscribes a channel afresh after a SUBSCRIBE failed, instead of letting later waiters wait untold', async () => {
    const { client, release, failing } = gatedSubscribing();
    failing.add(1);
    const waiters = new PollWaiters(client, 10);
    let found: string[] = [];
    const failed = waiters.waitFor(`${channel}:g`, 30_000, async () => found);
    const joinedTheFailure = waiters.waitFor(`${channel}:g`, 30_000, async () => found);
    release();
    await expect(failed).rejects.toThrow('connection lost');
    await expect(joinedTheFailure).rejects.toThrow('connection lost');
    const later = waiters.waitFor(`${channel}:g`, 30_000, async () => found);
    await subscribed(`${channel}:g`);
    found = ['message'];
    await redis.publish(`${channel}:g`, '1');
    expect(await within3s(later)).toEqual(['message']);
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
