import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Subscription } from '@hookfleet/core';
import { createMetrics } from '@hookfleet/metrics';
import { connectRedis, Keys, SubscriptionStore } from '@hookfleet/store';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';
import { applySubscriptionEffects } from '../src/subscription-effects.js';

/** Parts of one subscription finishing at once, each asking for the same end (a 410 to every part in flight). */
const PARTS = 5;

describe("a subscription's end asked for by parts at once", () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tdisable${randomBytes(4).toString('hex')}`);
  const subscriptions = new SubscriptionStore(redis, keys);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  function setup() {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const metrics = createMetrics({ defaultMetrics: false });
    const parts = { subscriptions, metrics, logger: pino(sink) };
    const counted = async (reason: string) => (await metrics.subscriptionsDisabled.get()).values.find((value) => value.labels.reason === reason)?.value ?? 0;
    // pino writes to a stream asynchronously: let it.
    const written = async (msg: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      return lines.filter((line) => line.msg === msg);
    };
    return { parts, counted, written };
  }

  async function stored(): Promise<Subscription> {
    const subscription = {
      id: `sub_${randomBytes(6).toString('hex')}`,
      tenant: 'ten_a',
      profile: 'standard',
      url: 'http://127.0.0.1:9/hook',
      events: ['a.*'],
      secret: null,
      description: null,
      metadata: {},
      active: true,
      disabled_reason: null,
      created_by: null,
      delay_seconds: 0,
      rate_limit: null,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    } as Subscription;
    await subscriptions.save(subscription);
    return subscription;
  }

  it('disables it once: one writer, one count, one line, one change announced', async () => {
    const { parts, counted, written } = setup();
    const subscription = await stored();
    const changesBefore = await redis.xlen(keys.subscriptionChanges());
    // Each part holds the subscription as it read it: active.
    await Promise.all(Array.from({ length: PARTS }, () => applySubscriptionEffects(parts, subscription, [{ disable: 'gone' }])));
    expect(await subscriptions.get(subscription.id)).toMatchObject({ active: false, disabled_reason: 'gone' });
    expect(await counted('gone')).toBe(1);
    expect(await written('subscription disabled')).toEqual([expect.objectContaining({ subscription_id: subscription.id, profile: 'standard', reason: 'gone' })]);
    // The workers' indexes learn of it from the change stream (SubscriptionIndex.poll).
    expect(await redis.xlen(keys.subscriptionChanges())).toBe(changesBefore + 1);
  });

  it('keeps a change written between its read and its write, and still disables it', async () => {
    const { parts, counted } = setup();
    const subscription = await stored();
    // An operator's edit lands after a part read the subscription: the part's disable must not write the old document back.
    let edited = false;
    redis.get = (async (key: string) => {
      const read = await Object.getPrototypeOf(redis).get.call(redis, key);
      if (!edited && key === keys.subscription(subscription.id)) {
        edited = true;
        await subscriptions.save({ ...subscription, description: 'edited meanwhile' });
      }
      return read;
    }) as typeof redis.get;
    try {
      await applySubscriptionEffects(parts, subscription, [{ disable: 'failing' }]);
    } finally {
      delete (redis as { get?: unknown }).get;
    }
    expect(edited).toBe(true);
    expect(await subscriptions.get(subscription.id)).toMatchObject({ active: false, disabled_reason: 'failing', description: 'edited meanwhile' });
    expect(await counted('failing')).toBe(1);
  });

  it('counts a removal once', async () => {
    const { parts, counted, written } = setup();
    const subscription = await stored();
    await Promise.all(Array.from({ length: PARTS }, () => applySubscriptionEffects(parts, subscription, [{ remove: true }])));
    expect(await subscriptions.get(subscription.id)).toBeNull();
    expect(await counted('removed')).toBe(1);
    expect(await written('subscription removed by its profile')).toHaveLength(1);
  });
});
