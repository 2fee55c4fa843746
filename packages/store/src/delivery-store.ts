import type { Redis, Result } from 'ioredis';
import type { AttemptRecord, Delivery, DeliveryStatus } from '@hookfleet/core';
import type { BookkeepingEffect } from '@hookfleet/profiles';
import { queueBookkeeping } from './bookkeeping-store.js';
import type { Keys } from './keys.js';

/** Attempts kept per subscription for GET /v1/subscriptions/:id/attempts. */
export const ATTEMPT_LOG_LENGTH = 200;

// A delivery record is created once: a matcher that runs twice finds it and adds nothing.
// Returns 1 when created, 2 when it exists and was never attempted, 0 when it has moved on.
const CREATE_DELIVERY = `
local status = redis.call('HGET', KEYS[1], 'st')
if status then
  if status == 'pending' then return 2 end
  return 0
end
redis.call('HSET', KEYS[1], 'e', ARGV[1], 's', ARGV[2], 'st', 'pending', 'a', 0, 'c', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3] - ARGV[4] * 1000)
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetCreateDelivery(
      deliveryKey: string,
      subscriptionIndexKey: string,
      eventId: string,
      subscriptionId: string,
      createdMs: number,
      ttlSeconds: number,
      deliveryId: string,
    ): Result<number, Context>;
  }
}

export type CreateOutcome = 'created' | 'pending' | 'exists';

export interface NewDelivery {
  id: string;
  eventId: string;
  subscriptionId: string;
}

export interface AttemptResult {
  deliveryId: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  record: AttemptRecord;
  /** The profile's bookkeeping for this attempt, written in the same pipeline. */
  bookkeeping?: BookkeepingEffect | undefined;
}

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
}

export class DeliveryStore {
  constructor(private readonly redis: Redis, private readonly keys: Keys, private readonly ttlSeconds: number) {
    if (!Object.hasOwn(redis, 'hookfleetCreateDelivery')) redis.defineCommand('hookfleetCreateDelivery', { numberOfKeys: 2, lua: CREATE_DELIVERY });
  }

  /** Creates the records that do not exist yet, in one round trip; returns, per delivery, what it found. */
  async createPending(deliveries: readonly NewDelivery[], now = Date.now()): Promise<CreateOutcome[]> {
    if (deliveries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const delivery of deliveries) {
      pipeline.hookfleetCreateDelivery(
        this.keys.delivery(delivery.id),
        this.keys.subscriptionDeliveries(delivery.subscriptionId),
        delivery.eventId,
        delivery.subscriptionId,
        now,
        this.ttlSeconds,
        delivery.id,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value === 1 ? 'created' : value === 2 ? 'pending' : 'exists';
    });
  }

  /** Current status and attempt count of each delivery (null when unknown or expired). */
  async states(ids: readonly string[]): Promise<Array<DeliveryState | null>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.delivery(id), 'st', 'a');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      const [status, attempts] = value as [string | null, string | null];
      return status ? { status: status as DeliveryStatus, attempts: Number(attempts ?? 0) } : null;
    });
  }

  async get(id: string): Promise<Delivery | null> {
    const fields = await this.redis.hgetall(this.keys.delivery(id));
    if (!fields.st) return null;
    return {
      id,
      event_id: fields.e ?? '',
      subscription_id: fields.s ?? '',
      status: fields.st as DeliveryStatus,
      attempts: Number(fields.a ?? 0),
      next_attempt_at: fields.n ? new Date(Number(fields.n)).toISOString() : null,
    };
  }

  /** Writes a batch of attempt outcomes and their log lines in one pipeline. */
  async recordAttempts(results: readonly AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    const pipeline = this.redis.pipeline();
    const touchedLogs = new Set<string>();
    for (const result of results) {
      const key = this.keys.delivery(result.deliveryId);
      pipeline.hset(key, 'st', result.status, 'a', result.attempts, 'n', result.nextAttemptAt ?? '');
      const log = this.keys.attempts(result.subscriptionId);
      pipeline.lpush(log, JSON.stringify(result.record));
      touchedLogs.add(log);
      if (result.bookkeeping) queueBookkeeping(pipeline, this.keys, result.subscriptionId, result.bookkeeping);
    }
    for (const log of touchedLogs) pipeline.ltrim(log, 0, ATTEMPT_LOG_LENGTH - 1);
    await pipeline.exec();
  }

  /** Ends deliveries that can no longer be attempted, keeping them visible as dead. */
  async markDead(ids: readonly string[], attempts: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    ids.forEach((id, index) => pipeline.hset(this.keys.delivery(id), 'st', 'dead', 'a', attempts[index] ?? 0, 'n', ''));
    await pipeline.exec();
  }

  async attempts(subscriptionId: string, limit = ATTEMPT_LOG_LENGTH): Promise<AttemptRecord[]> {
    const raws = await this.redis.lrange(this.keys.attempts(subscriptionId), 0, limit - 1);
    return raws.map((raw) => JSON.parse(raw) as AttemptRecord);
  }
}
