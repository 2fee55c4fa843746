import type { ChainableCommander } from 'ioredis';
import type { DeliveryStatus } from '@hookfleet/core';
import type { Keys } from './keys.js';
import { queueIndexTrim } from './index-holds.js';

export interface StatusIndexChange {
  subscriptionId: string;
  deliveryId: string;
  status: DeliveryStatus;
  /** When the delivery's event was accepted: what the indexes are scored by. */
  score: number;
  /** Whether an earlier change may have indexed it (it is past its first attempt, or an operator changed it). */
  mayBeIndexed: boolean;
}

/**
 * Whether a status change writes the indexes: a failure or a death does; a delivery that leaves them (delivered,
 * pending again) does only when it may be in one. A first attempt that succeeded touches no index and makes no key.
 */
export function touchesStatusIndex(status: DeliveryStatus, mayBeIndexed: boolean): boolean {
  return status === 'failed' || status === 'dead' || mayBeIndexed;
}

/**
 * Keeps a subscription's failed and dead indexes (the dead-letter queue) in step with a delivery's status change, a
 * command each: operators' changes, and settle on a cluster. Settle on a single Redis makes the same writes inside its
 * records' script (settle-records.ts). Only failures write here: a first attempt that succeeds costs nothing. Dead
 * entries are trimmed as new ones come, a record TTL back, except those still held (index-holds.ts).
 */
export function queueStatusIndex(pipeline: ChainableCommander, keys: Keys, ttlSeconds: number, change: StatusIndexChange, now = Date.now()): void {
  if (!touchesStatusIndex(change.status, change.mayBeIndexed)) return;
  const failed = keys.subscriptionDeliveriesByStatus(change.subscriptionId, 'failed');
  const dead = keys.subscriptionDeliveriesByStatus(change.subscriptionId, 'dead');
  if (change.status === 'failed') pipeline.zadd(failed, 'NX', change.score, change.deliveryId);
  else if (change.status === 'dead') {
    pipeline.zrem(failed, change.deliveryId);
    pipeline.zadd(dead, change.score, change.deliveryId);
    queueIndexTrim(pipeline, keys, change.subscriptionId, dead, ttlSeconds, now);
  } else {
    pipeline.zrem(failed, change.deliveryId);
    pipeline.zrem(dead, change.deliveryId);
  }
}
