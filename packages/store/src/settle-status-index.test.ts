// Settle keeps a subscription's failed and dead indexes (the dead-letter queue) in step with its records: on a single
// Redis inside the records' script, on a cluster a command each (settle-records.ts, status-index.ts). Either way the
// indexes must end as the status changes say, on a real Redis.
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { DeliveryStatus } from '@hookfleet/core';
import { DeliveryStore, type AttemptResult } from './delivery-store.js';
import { Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const TTL_SECONDS = 3600;
const SUBSCRIPTION = 'sub_index';

/** One judged attempt as settle takes it. */
function resultOf(deliveryId: string, status: DeliveryStatus, attempts: number, eventReceivedAt: number): AttemptResult {
  return {
    deliveryId,
    subscriptionId: SUBSCRIPTION,
    status,
    attempts,
    nextAttemptAt: status === 'failed' ? Date.now() + 60_000 : null,
    eventReceivedAt,
    record: {
      delivery_id: deliveryId,
      event_id: `evt_${deliveryId}`,
      attempt: attempts,
      status_code: status === 'delivered' ? 200 : 500,
      ok: status === 'delivered',
      error: status === 'delivered' ? null : 'HTTP 500',
      duration_ms: 1,
      at: new Date().toISOString(),
    },
  };
}

describe('settle and the status indexes', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tsix${randomBytes(4).toString('hex')}`);
  const deliveries = new DeliveryStore(redis, keys, TTL_SECONDS);
  const failedIndex = keys.subscriptionDeliveriesByStatus(SUBSCRIPTION, 'failed');
  const deadIndex = keys.subscriptionDeliveriesByStatus(SUBSCRIPTION, 'dead');
  const indexed = async (key: string) => redis.zrange(key, 0, -1, 'WITHSCORES');
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  it('makes no index key for first attempts that succeeded', async () => {
    await deliveries.settle([resultOf('dlv_ok1', 'delivered', 1, 1_000), resultOf('dlv_ok2', 'delivered', 1, 1_001)], { subscriptionId: SUBSCRIPTION });
    expect(await redis.exists(failedIndex, deadIndex)).toBe(0);
    expect((await deliveries.states(['dlv_ok1', 'dlv_ok2'])).map((state) => state?.status)).toEqual(['delivered', 'delivered']);
  });

  it('indexes failures by their event time, moves the dead, and drops the delivered, as each part settles', async () => {
    const now = Date.now();
    await deliveries.settle([resultOf('dlv_a', 'failed', 1, now - 3), resultOf('dlv_b', 'failed', 1, now - 2), resultOf('dlv_c', 'delivered', 1, now - 1)], {
      subscriptionId: SUBSCRIPTION,
    });
    expect(await indexed(failedIndex)).toEqual(['dlv_a', String(now - 3), 'dlv_b', String(now - 2)]);
    expect(await redis.exists(deadIndex)).toBe(0);
    // A failure indexed again keeps its first score (NX).
    await deliveries.settle([resultOf('dlv_b', 'failed', 2, now + 5)], { subscriptionId: SUBSCRIPTION });
    expect(await indexed(failedIndex)).toEqual(['dlv_a', String(now - 3), 'dlv_b', String(now - 2)]);

    await deliveries.settle([resultOf('dlv_a', 'delivered', 2, now - 3), resultOf('dlv_b', 'dead', 3, now - 2)], { subscriptionId: SUBSCRIPTION });
    expect(await indexed(failedIndex)).toEqual([]);
    expect(await indexed(deadIndex)).toEqual(['dlv_b', String(now - 2)]);
    expect((await deliveries.states(['dlv_a', 'dlv_b', 'dlv_c'])).map((state) => [state?.status, state?.attempts])).toEqual([
      ['delivered', 2],
      ['dead', 3],
      ['delivered', 1],
    ]);
  });

  it('trims dead entries whose event is older than the records live, keeping the others', async () => {
    const now = Date.now();
    await deliveries.settle([resultOf('dlv_old', 'dead', 5, now - TTL_SECONDS * 1000 - 60_000), resultOf('dlv_new', 'dead', 5, now)], {
      subscriptionId: SUBSCRIPTION,
    });
    const dead = await redis.zrange(deadIndex, 0, -1);
    expect(dead).toContain('dlv_new');
    expect(dead).toContain('dlv_b');
    expect(dead).not.toContain('dlv_old');
  });

  it('trims failed entries whose record is gone and whose event is older than the records live, keeping the held ones', async () => {
    const now = Date.now();
    // A failure whose retry never came (its job lost): its record and its hold expired, its entry stayed.
    await redis.zadd(failedIndex, now - TTL_SECONDS * 1000 - 60_000, 'dlv_lost');
    // A failure of as old an event that still retries (its record renewed, so held) and a fresh one.
    await deliveries.settle([resultOf('dlv_old_retrying', 'failed', 4, now - TTL_SECONDS * 1000 - 30_000), resultOf('dlv_fresh', 'failed', 1, now)], {
      subscriptionId: SUBSCRIPTION,
    });
    const failed = await redis.zrange(failedIndex, 0, -1);
    expect(failed).toContain('dlv_fresh');
    expect(failed).toContain('dlv_old_retrying');
    // Before: kept for good.
    expect(failed).not.toContain('dlv_lost');
  });

  it('takes a retried delivery that succeeds out of both indexes', async () => {
    const now = Date.now();
    await deliveries.settle([resultOf('dlv_r', 'failed', 1, now)], { subscriptionId: SUBSCRIPTION });
    expect(await redis.zscore(failedIndex, 'dlv_r')).toBe(String(now));
    await deliveries.settle([resultOf('dlv_r', 'delivered', 2, now)], { subscriptionId: SUBSCRIPTION });
    expect(await redis.zscore(failedIndex, 'dlv_r')).toBeNull();
    expect(await redis.zscore(deadIndex, 'dlv_r')).toBeNull();
  });
});
