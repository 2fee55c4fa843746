// An event handed over to a batching subscription at acceptance carries a `+` line in its payload's value
// (payload-value.ts): the subscription's delivery record may not exist yet. The readers of the value take that
// delivery for pending, not for ended and gone: GET /v1/events/:id/deliveries (DeliveryStore.forEvent), retention 0's
// release (release-ended-events.ts), and the script that adds subscriptions an event lacks (event-subscriptions.ts).
// The payloads are written with SET as the accept script writes them.
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { deliveryIdFor, type DeliveryStatus } from '@hookfleet/core';
import { DeliveryStore, type AttemptResult } from './delivery-store.js';
import { defineEventSubscriptions } from './event-subscriptions.js';
import { Keys } from './keys.js';
import { handedOverLine, markedPayload } from './payload-value.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

describe('a payload with a handed-over line', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`thol${randomBytes(4).toString('hex')}`);
  const deliveries = new DeliveryStore(redis, keys, 3600);
  defineEventSubscriptions(redis);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  const payloadOf = (eventId: string, lines: string) => markedPayload('0', JSON.stringify({ id: eventId, data: {} })) + lines;
  const storePayload = (eventId: string, lines: string) => redis.set(keys.event(eventId), payloadOf(eventId, lines), 'EX', 3600);
  /** A delivery record with the fields create-deliveries.ts and settle write. */
  const storeRecord = (eventId: string, subscriptionId: string, status: DeliveryStatus) =>
    redis.hset(keys.delivery(deliveryIdFor(eventId, subscriptionId)), 'e', eventId, 's', subscriptionId, 'st', status, 'a', status === 'pending' ? 0 : 1);
  /** What a worker's settle hands the release: the delivery it has just delivered. */
  const delivered = (eventId: string, subscriptionId: string): AttemptResult => {
    const deliveryId = deliveryIdFor(eventId, subscriptionId);
    return {
      deliveryId,
      subscriptionId,
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      eventReceivedAt: 1_000,
      record: {
        delivery_id: deliveryId,
        event_id: eventId,
        attempt: 1,
        status_code: 200,
        ok: true,
        error: null,
        duration_ms: 1,
        at: new Date(1_000).toISOString(),
      },
    };
  };

  it('lists a handed-over delivery without a record as pending, and one with a record as its record says', async () => {
    const eventId = 'evt_listed';
    await storeRecord(eventId, 'sub_recorded', 'delivered');
    await storeRecord(eventId, 'sub_matched', 'failed');
    await storePayload(eventId, `${handedOverLine(['sub_unrecorded', 'sub_recorded'])}\nsub_matched sub_gone`);
    expect(await deliveries.forEvent(eventId)).toEqual([
      { id: deliveryIdFor(eventId, 'sub_unrecorded'), subscription_id: 'sub_unrecorded', status: 'pending' },
      { id: deliveryIdFor(eventId, 'sub_recorded'), subscription_id: 'sub_recorded', status: 'delivered' },
      { id: deliveryIdFor(eventId, 'sub_matched'), subscription_id: 'sub_matched', status: 'failed' },
      // A matched delivery whose record has gone is not listed, as before.
    ]);
  });

  it('keeps an event whose handed-over delivery has no record yet, and releases it once that one has ended', async () => {
    const eventId = 'evt_waiting';
    await storeRecord(eventId, 'sub_matched', 'delivered');
    await storePayload(eventId, `${handedOverLine(['sub_batch'])}\nsub_matched`);
    expect(await deliveries.releaseEndedEvents([delivered(eventId, 'sub_matched')])).toEqual([]);
    expect(await redis.exists(keys.event(eventId))).toBe(1);
    expect(await redis.exists(keys.delivery(deliveryIdFor(eventId, 'sub_matched')))).toBe(1);

    // The batch job writes its member's record delivered, then looks.
    await storeRecord(eventId, 'sub_batch', 'delivered');
    expect(await deliveries.releaseEndedEvents([delivered(eventId, 'sub_batch')])).toEqual([eventId]);
    expect(await redis.exists(keys.event(eventId))).toBe(0);
    expect(await redis.exists(keys.delivery(deliveryIdFor(eventId, 'sub_matched')))).toBe(0);
    expect(await redis.exists(keys.delivery(deliveryIdFor(eventId, 'sub_batch')))).toBe(0);
  });

  it('still takes a matched delivery whose record has gone for ended', async () => {
    const eventId = 'evt_plain';
    await storeRecord(eventId, 'sub_matched', 'delivered');
    await storePayload(eventId, '\nsub_matched sub_gone');
    expect(await deliveries.releaseEndedEvents([delivered(eventId, 'sub_matched')])).toEqual([eventId]);
    expect(await redis.exists(keys.event(eventId))).toBe(0);
  });

  it('adds only the subscriptions neither a handed-over line nor a matched one names', async () => {
    const eventId = 'evt_added';
    await storePayload(eventId, `${handedOverLine(['sub_h1', 'sub_h2'])}\nsub_m`);
    await redis.hookfleetAddEventSubscriptions(keys.event(eventId), 'sub_h1', 'sub_new', 'sub_h2', 'sub_m');
    expect(await redis.get(keys.event(eventId))).toBe(payloadOf(eventId, '\n+sub_h1 sub_h2\nsub_m\nsub_new'));
    // Nothing it lacks: the value stays as it is.
    await redis.hookfleetAddEventSubscriptions(keys.event(eventId), 'sub_h2', 'sub_h1');
    expect(await redis.get(keys.event(eventId))).toBe(payloadOf(eventId, '\n+sub_h1 sub_h2\nsub_m\nsub_new'));
    expect(await redis.ttl(keys.event(eventId))).toBeGreaterThan(3500);
  });
});
