import type { Result } from 'ioredis';
import { batch } from './batch.js';
import type { Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';

export type CreateOutcome = 'created' | 'pending' | 'exists';

export interface NewDelivery {
  id: string;
  eventId: string;
  subscriptionId: string;
}

// A delivery record is created once: a matcher that runs twice finds it and adds nothing.
// Returns 1 when created, 2 when it exists and was never attempted, 0 when it has moved on. The record holds no
// creation time: nothing read it, and the subscription's index already scores it by that time (16 bytes a record).
// KEYS[1]: the record. KEYS[2], KEYS[3] (the subscription's and the event's indexes), only on a single Redis: on a
// cluster they live in other slots and are written beside the script. The indexes' trim and TTL are written beside
// it once per subscription and event of the batch, not once per delivery (two commands a delivery fewer).
const CREATE_DELIVERY = `
local status = redis.call('HGET', KEYS[1], 'st')
if status then
  if status == 'pending' then return 2 end
  return 0
end
redis.call('HSET', KEYS[1], 'e', ARGV[1], 's', ARGV[2], 'st', 'pending', 'a', 0)
redis.call('EXPIRE', KEYS[1], ARGV[4])
if KEYS[2] then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
  redis.call('SADD', KEYS[3], ARGV[2])
end
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetCreateDeliveryIndexed(deliveryKey: string, subscriptionIndexKey: string, eventIndexKey: string, eventId: string, subscriptionId: string, createdMs: number, ttlSeconds: number, deliveryId: string): Result<number, Context>;
    hookfleetCreateDelivery(deliveryKey: string, eventId: string, subscriptionId: string, createdMs: number, ttlSeconds: number, deliveryId: string): Result<number, Context>;
  }
}

export function defineCreateDelivery(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'hookfleetCreateDelivery')) return;
  redis.defineCommand('hookfleetCreateDeliveryIndexed', { numberOfKeys: 3, lua: CREATE_DELIVERY });
  redis.defineCommand('hookfleetCreateDelivery', { numberOfKeys: 1, lua: CREATE_DELIVERY });
}

const outcomeOf = (value: unknown): CreateOutcome => (value === 1 ? 'created' : value === 2 ? 'pending' : 'exists');

/**
 * Creates the records that do not exist yet, in one round trip; returns, per delivery, what it found.
 * The matcher's hot path: on a single Redis one script a delivery writes the record and its indexes; on a cluster
 * the script writes the record in its own slot and the indexes are added beside it, once per subscription and once
 * per event, only where absent (ZADD NX, SADD), so a re-run changes nothing there either.
 */
export async function createDeliveries(redis: RedisClient, keys: Keys, ttlSeconds: number, deliveries: readonly NewDelivery[], now: number): Promise<CreateOutcome[]> {
  if (deliveries.length === 0) return [];
  if (!isCluster(redis)) {
    const pipeline = redis.pipeline();
    const subscriptionIds = new Set<string>();
    const eventIds = new Set<string>();
    for (const delivery of deliveries) {
      const { id, eventId, subscriptionId } = delivery;
      pipeline.hookfleetCreateDeliveryIndexed(keys.delivery(id), keys.subscriptionDeliveries(subscriptionId), keys.eventDeliveries(eventId), eventId, subscriptionId, now, ttlSeconds, id);
      subscriptionIds.add(subscriptionId);
      eventIds.add(eventId);
    }
    for (const subscriptionId of subscriptionIds) pipeline.zremrangebyscore(keys.subscriptionDeliveries(subscriptionId), '-inf', now - ttlSeconds * 1000);
    for (const eventId of eventIds) pipeline.expire(keys.eventDeliveries(eventId), ttlSeconds);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    return results.slice(0, deliveries.length).map(([, value]) => outcomeOf(value));
  }
  const pipeline = batch(redis);
  const bySubscription = new Map<string, Array<number | string>>();
  const byEvent = new Map<string, string[]>();
  for (const { id, eventId, subscriptionId } of deliveries) {
    pipeline.hookfleetCreateDelivery(keys.delivery(id), eventId, subscriptionId, now, ttlSeconds, id);
    let scored = bySubscription.get(subscriptionId);
    if (!scored) bySubscription.set(subscriptionId, (scored = []));
    scored.push(now, id);
    let subscriptionIds = byEvent.get(eventId);
    if (!subscriptionIds) byEvent.set(eventId, (subscriptionIds = []));
    subscriptionIds.push(subscriptionId);
  }
  for (const [subscriptionId, scored] of bySubscription) {
    const index = keys.subscriptionDeliveries(subscriptionId);
    pipeline.zadd(index, 'NX', ...scored);
    pipeline.zremrangebyscore(index, '-inf', now - ttlSeconds * 1000);
  }
  for (const [eventId, subscriptionIds] of byEvent) {
    const index = keys.eventDeliveries(eventId);
    pipeline.sadd(index, ...subscriptionIds);
    pipeline.expire(index, ttlSeconds);
  }
  const results = (await pipeline.exec()) ?? [];
  for (const [error] of results) if (error) throw error;
  return results.slice(0, deliveries.length).map(([, value]) => outcomeOf(value));
}
