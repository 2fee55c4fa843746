// A subscription's index keeps a failed delivery's entry while its record lives past the trim (index-holds.ts), and
// no longer: once the record's hold ended, the next trim drops the entry, and the holds' keys go with their last hold,
// so the index stays bounded. On a real Redis, with a record TTL of seconds.
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DeliveryStore, type AttemptResult } from './delivery-store.js';
import { Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const TTL_SECONDS = 2;
const SUBSCRIPTION = 'sub_holds';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function failedAttempt(deliveryId: string, eventReceivedAt: number): AttemptResult {
  return {
    deliveryId,
    subscriptionId: SUBSCRIPTION,
    status: 'failed',
    attempts: 1,
    nextAttemptAt: Date.now() + 1_000,
    eventReceivedAt,
    record: { delivery_id: deliveryId, event_id: `evt_${deliveryId}`, attempt: 1, status_code: 500, ok: false, error: 'HTTP 500', duration_ms: 1, at: new Date().toISOString() },
  };
}

describe('index holds', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tihd${randomBytes(4).toString('hex')}`);
  const deliveries = new DeliveryStore(redis, keys, TTL_SECONDS);
  const index = keys.subscriptionDeliveries(SUBSCRIPTION);
  const create = (name: string) => deliveries.createPending([{ id: `dlv_${name}`, eventId: `evt_${name}`, subscriptionId: SUBSCRIPTION }]);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  it('keeps a renewed record listed past the trim, then trims it once its record is gone', async () => {
    await create('kept');
    await create('plain');
    const acceptedAt = Number(await redis.zscore(index, 'dlv_kept'));
    await sleep(1_000);
    // A failure a second later renews the record for a whole TTL: it lives a second past its entry's trim.
    await deliveries.settle([failedAttempt('dlv_kept', acceptedAt)], { subscriptionId: SUBSCRIPTION });
    await sleep(TTL_SECONDS * 1000 - 1_000 + 300);
    await create('later');
    expect(await redis.exists(keys.delivery('dlv_kept'))).toBe(1);
    // Kept from the held entry on: the entry of a record gone since (plain) stays too, skipped by the listing.
    expect(await redis.zrange(index, 0, -1)).toEqual(['dlv_kept', 'dlv_plain', 'dlv_later']);
    expect((await deliveries.list({ subscriptionId: SUBSCRIPTION, limit: 10 })).data.map((entry) => entry.id)).toEqual(['dlv_later', 'dlv_kept']);

    await sleep(1_000);
    expect(await redis.exists(keys.delivery('dlv_kept'))).toBe(0);
    await create('last');
    expect(await redis.zrange(index, 0, -1)).toEqual(['dlv_later', 'dlv_last']);
    // The holds' keys expired with their last hold: nothing is left for a subscription that gets nothing more.
    expect(await redis.exists(keys.subscriptionIndexHolds(SUBSCRIPTION, 'until'), keys.subscriptionIndexHolds(SUBSCRIPTION, 'since'))).toBe(0);
  }, 15_000);
});
