import type { ChainableCommander } from 'ioredis';
import type { DeliveryStatus } from '@hookfleet/core';
import type { Keys } from './keys.js';

/**
 * Keeps a subscription's failed and dead indexes (the dead-letter queue) in step with a delivery's status change.
 * Only failures write here: a first attempt that succeeds costs nothing. Dead entries older than the records'
 * lifetime (`ttlSeconds`) are trimmed as new ones come.
 */
export function queueStatusIndex(
  pipeline: ChainableCommander,
  keys: Keys,
  ttlSeconds: number,
  change: { subscriptionId: string; deliveryId: string; status: DeliveryStatus; score: number; mayBeIndexed: boolean },
): void {
  // A first attempt that succeeded touches no index, and makes no key either (this runs once a delivery).
  if (change.status !== 'failed' && change.status !== 'dead' && !change.mayBeIndexed) return;
  const failed = keys.subscriptionDeliveriesByStatus(change.subscriptionId, 'failed');
  const dead = keys.subscriptionDeliveriesByStatus(change.subscriptionId, 'dead');
  if (change.status === 'failed') pipeline.zadd(failed, 'NX', change.score, change.deliveryId);
  else if (change.status === 'dead') {
    pipeline.zrem(failed, change.deliveryId);
    pipeline.zadd(dead, change.score, change.deliveryId);
    pipeline.zremrangebyscore(dead, '-inf', Date.now() - ttlSeconds * 1000);
  } else if (change.mayBeIndexed) {
    pipeline.zrem(failed, change.deliveryId);
    pipeline.zrem(dead, change.deliveryId);
  }
}
