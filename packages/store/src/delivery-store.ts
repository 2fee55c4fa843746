import { deliveryIdFor } from '@hookfleet/core';
import type { AttemptRecord, Delivery, DeliveryListEntry, DeliveryStatus } from '@hookfleet/core';
import type { BookkeepingEffect } from '@hookfleet/profiles';
import { batch, execChecked } from './batch.js';
import { eventSubscriptions, type EventSubscription } from './event-subscriptions.js';
import { releaseEndedEvents } from './release-ended-events.js';
import { defineSettleRecords, queueRecordStates } from './settle-records.js';
import { mergeBookkeeping, queueBookkeeping } from './bookkeeping-store.js';
import { decodeCursor, encodeCursor, newestFirst, type ScoredId } from './page-cursor.js';
import { instantOrNull } from './stored-instant.js';
import { queueKeepUntil, type KeptDelivery } from './keep-until.js';
import { defineIndexHolds, queueIndexHolds } from './index-holds.js';
import { queueStatusIndex } from './status-index.js';
import { defineEndpointHealth, queueHealthRecord, streakOf, type EndpointFailureStreak } from './endpoint-health.js';
import { defineEndpointPause, queueEndpointPause } from './rate-limiter.js';
import { createDeliveries, positionsByEvent, defineCreateDelivery, statusOfRecord, type CreateOptions, type CreateOutcome, type NewDelivery } from './create-deliveries.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** Attempts kept per subscription for GET /v1/subscriptions/:id/attempts. */
export const ATTEMPT_LOG_LENGTH = 200;

/** Delivery records created per round trip. */
const CREATE_CHUNK = 2_000;

export type { CreateOptions, CreateOutcome, NewDelivery };

export interface AttemptResult {
  deliveryId: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  record: AttemptRecord;
  /** When the delivery's event was accepted: the time operators search deliveries by. */
  eventReceivedAt: number;
  /** The profile's bookkeeping for this attempt, written in the same pipeline. */
  bookkeeping?: BookkeepingEffect | undefined;
  /**
   * A failed delivery whose retries run past the lifetime its event's acceptance gave its payload (its subscription's
   * ladder made longer while it retried): settle keeps the payload and the record until then (keep-until.ts), in the
   * same round trip. Absent on every other result.
   */
  keepUntil?: number | undefined;
  /** The delivery has no record yet: settle writes it whole (RecordState.created, settle-records.ts). */
  created?: { eventId: string } | undefined;
}

/** What settle learns in the same round trip, for the schedule step. */
export interface Settled {
  /** The endpoint's failure streak after this part, when every attempt in it failed (the circuit breaker's input). */
  streak: EndpointFailureStreak | null;
  /** The subscription's bookkeeping as stored after this part's writes, when asked for (a profile's disable rule). */
  bookkeeping: Record<string, string> | null;
}

export interface SettleOptions {
  /** The subscription all `results` belong to, whose endpoint health and bookkeeping this part changes. */
  subscriptionId: string;
  /** Read the subscription's bookkeeping after the writes (its profile has a disable rule and an attempt failed). */
  readBookkeeping?: boolean;
  /** The break the endpoint asked for (Retry-After), written with the attempt that asked: no worker sends before it ends. */
  pauseMs?: number;
  now?: number;
}

export interface DeliveryState {
  status: DeliveryStatus;
  attempts: number;
  /** When a failed delivery's next attempt is due (epoch ms), null when none is. */
  nextAttemptAt: number | null;
}

export class DeliveryStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys, readonly ttlSeconds: number) {
    defineCreateDelivery(redis);
    defineEndpointHealth(redis);
    defineEndpointPause(redis);
    defineSettleRecords(redis);
    defineIndexHolds(redis);
  }

  /**
   * Creates the records that do not exist yet, a pipeline per CREATE_CHUNK deliveries; returns, per delivery, what
   * it found. One pipeline for a 50-event × 1,000-subscription fan-out held 50,000 commands and their replies at once
   * (the matcher's peak RSS); chunks keep that bounded for a few more round trips.
   */
  async createPending(deliveries: readonly NewDelivery[], now = Date.now(), options: CreateOptions = {}): Promise<CreateOutcome[]> {
    // An event's deliveries are created side by side (the matcher lists them by subscription), so that its
    // subscriptions are written once, by the script that creates them all, and not appended to chunk after chunk.
    const order = positionsByEvent(deliveries);
    const outcomes: CreateOutcome[] = new Array(deliveries.length);
    for (let start = 0; start < order.length; start += CREATE_CHUNK) {
      const chunk = order.slice(start, start + CREATE_CHUNK);
      const created = await createDeliveries(this.redis, this.keys, this.ttlSeconds, chunk.map((index) => deliveries[index] as NewDelivery), now, options);
      chunk.forEach((index, position) => (outcomes[index] = created[position] as CreateOutcome));
    }
    return outcomes;
  }

  /** Current status and attempt count of each delivery (null when unknown or expired). */
  async states(ids: readonly string[]): Promise<Array<DeliveryState | null>> {
    if (ids.length === 0) return [];
    const pipeline = batch(this.redis);
    for (const id of ids) pipeline.hmget(this.keys.delivery(id), 'st', 'a', 'n', 'e');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      const [stored, attempts, next, eventId] = value as [string | null, string | null, string | null, string | null];
      const status = statusOfRecord(stored, eventId);
      const nextAttemptAt = next ? Number(next) : Number.NaN;
      return status ? { status, attempts: Number(attempts ?? 0), nextAttemptAt: Number.isFinite(nextAttemptAt) ? nextAttemptAt : null } : null;
    });
  }

  async get(id: string): Promise<Delivery | null> {
    const fields = await this.redis.hgetall(this.keys.delivery(id));
    const status = statusOfRecord(fields.st, fields.e);
    if (!status) return null;
    return {
      id,
      event_id: fields.e ?? '',
      subscription_id: fields.s ?? '',
      status,
      attempts: Number(fields.a ?? 0),
      next_attempt_at: instantOrNull(fields.n),
    };
  }

  /**
   * The settle step (docs/architecture.md, "The delivery engine"): everything a part of one subscription's attempts
   * changes — each delivery's state and status index, the attempt log, the profile's bookkeeping, the endpoint's
   * health — in one round trip, whose every reply is checked: a refused write (Redis out of memory, read-only)
   * throws, the job's part runs again, and an outcome never just vanishes. Every write is safe to send twice.
   */
  async settle(results: readonly AttemptResult[], options: SettleOptions): Promise<Settled> {
    if (results.length === 0) return { streak: null, bookkeeping: null };
    const pipeline = batch(this.redis);
    const bookkeeping = new Map<string, BookkeepingEffect>();
    const log = this.keys.attempts(options.subscriptionId);
    let successes = 0;
    const records: string[] = [];
    // The records' states and their status indexes, in one script on a single Redis (settle-records.ts).
    queueRecordStates(this.redis, pipeline, this.keys, results, this.ttlSeconds);
    // Only the part's last ATTEMPT_LOG_LENGTH records outlive the trim below: a batching subscription's part of 500
    // would write 300 records for the trim to drop.
    const firstLogged = Math.max(0, results.length - ATTEMPT_LOG_LENGTH);
    const kept: KeptDelivery[] = [];
    results.forEach((result, index) => {
      if (index >= firstLogged) records.push(JSON.stringify(result.record));
      if (result.keepUntil !== undefined) {
        kept.push({ eventId: result.record.event_id, deliveryId: result.deliveryId, eventReceivedAt: result.eventReceivedAt, untilMs: result.keepUntil });
      }
      if (result.bookkeeping) mergeBookkeeping(bookkeeping, result.subscriptionId, result.bookkeeping);
      if (result.status === 'delivered') successes += 1;
    });
    // After the records' own renewal above (an EXPIRE that may shorten): never shorter than this (GT).
    queueKeepUntil(pipeline, this.keys, options.subscriptionId, kept);
    // One LPUSH for the part (the last record ends up first, as one push each would leave them), then the trim.
    pipeline.lpush(log, ...records);
    pipeline.ltrim(log, 0, ATTEMPT_LOG_LENGTH - 1);
    for (const [subscriptionId, effect] of bookkeeping) queueBookkeeping(pipeline, this.keys, subscriptionId, effect);
    // Any success clears the endpoint's failure streak (the circuit breaker's record); a part that all failed extends it.
    const healthAt = pipeline.length;
    if (successes > 0) pipeline.del(this.keys.endpointHealth(options.subscriptionId));
    else queueHealthRecord(pipeline, this.keys, options.subscriptionId, 0, results.length, options.now);
    queueEndpointPause(pipeline, this.keys, options.subscriptionId, options.pauseMs ?? 0);
    const bookkeepingAt = options.readBookkeeping ? pipeline.length : -1;
    if (options.readBookkeeping) pipeline.hgetall(this.keys.subscriptionState(options.subscriptionId));
    const replies = await execChecked(pipeline);
    return {
      streak: successes > 0 ? null : streakOf(replies[healthAt]),
      bookkeeping: bookkeepingAt >= 0 ? (replies[bookkeepingAt] as Record<string, string>) : null,
    };
  }

  /** Retention 0: drops the events whose every delivery has ended (release-ended-events.ts); returns their ids. */
  async releaseEndedEvents(results: readonly AttemptResult[]): Promise<string[]> {
    return releaseEndedEvents(this.redis, this.keys, (ids) => this.states(ids), results);
  }

  /** Ends deliveries that can no longer be attempted, keeping them visible as dead. */
  async markDead(entries: ReadonlyArray<{ id: string; subscriptionId: string; attempts: number; eventReceivedAt?: number }>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = batch(this.redis);
    for (const entry of entries) {
      pipeline.hset(this.keys.delivery(entry.id), 'st', 'dead', 'a', entry.attempts, 'n', '');
      queueStatusIndex(pipeline, this.keys, this.ttlSeconds, { subscriptionId: entry.subscriptionId, deliveryId: entry.id, status: 'dead', score: entry.eventReceivedAt ?? Date.now(), mayBeIndexed: true });
    }
    await execChecked(pipeline);
  }

  /**
   * Puts deliveries back to pending for one more attempt (retry, recover, replay), creating the record when
   * there is none (replay of an event that arrived while the subscription was inactive). The records first, the
   * indexes once all of them are written: Redis at its memory limit refuses a record's HSET but still takes the ZREM
   * that takes it out of the dead index, which left a delivery still dead that `status=dead` (and a recover) no longer
   * listed.
   */
  async resetToPending(entries: ReadonlyArray<{ id: string; eventId: string; subscriptionId: string; eventReceivedAt: number }>): Promise<void> {
    if (entries.length === 0) return;
    const records = batch(this.redis);
    for (const entry of entries) {
      const key = this.keys.delivery(entry.id);
      records.hset(key, 'e', entry.eventId, 's', entry.subscriptionId, 'st', 'pending', 'n', '');
      records.hsetnx(key, 'a', 0);
      records.expire(key, this.ttlSeconds);
    }
    await execChecked(records);
    const pipeline = batch(this.redis);
    const now = Date.now();
    for (const entry of entries) {
      pipeline.zadd(this.keys.subscriptionDeliveries(entry.subscriptionId), entry.eventReceivedAt, entry.id);
      // The record now lives a TTL from now, maybe long past its event's: its entries stay listed as long (index-holds.ts).
      queueIndexHolds(pipeline, this.keys, entry.subscriptionId, [{ deliveryId: entry.id, score: entry.eventReceivedAt, untilMs: now + this.ttlSeconds * 1000 }]);
      pipeline.hookfleetAddEventSubscriptions(this.keys.event(entry.eventId), entry.subscriptionId);
      queueStatusIndex(pipeline, this.keys, this.ttlSeconds, { subscriptionId: entry.subscriptionId, deliveryId: entry.id, status: 'pending', score: entry.eventReceivedAt, mayBeIndexed: true });
    }
    await execChecked(pipeline);
  }

  /** A subscription's deliveries in a time window, newest first; `cursor` is the position of the previous page's last (page-cursor.ts). */
  async list(options: {
    subscriptionId: string;
    status?: DeliveryStatus | undefined;
    since?: number | undefined;
    until?: number | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<{ data: Array<Omit<DeliveryListEntry, 'event_type'>>; next_cursor: string | null }> {
    const indexed = options.status === 'failed' || options.status === 'dead';
    const key = indexed
      ? this.keys.subscriptionDeliveriesByStatus(options.subscriptionId, options.status as 'failed' | 'dead')
      : this.keys.subscriptionDeliveries(options.subscriptionId);
    const window = {
      min: options.since ?? Number.NEGATIVE_INFINITY,
      max: options.until ?? Number.POSITIVE_INFINITY,
      after: options.cursor ? decodeCursor(options.cursor) : undefined,
    };
    const data: Array<Omit<DeliveryListEntry, 'event_type'>> = [];
    const chunk = Math.max(options.limit * 2, 100);
    for await (const entries of newestFirst(this.redis, key, window, chunk)) {
      const deliveries = await Promise.all(entries.map(([id]) => this.get(id)));
      for (let index = 0; index < entries.length; index += 1) {
        const delivery = deliveries[index];
        if (!delivery || (options.status && delivery.status !== options.status)) continue;
        const entry = entries[index] as ScoredId;
        // The index scores each delivery by when its event was received.
        data.push({ ...delivery, event_received_at: new Date(entry[1]).toISOString() });
        if (data.length === options.limit) return { data, next_cursor: encodeCursor(entry) };
      }
    }
    return { data, next_cursor: null };
  }

  /**
   * The subscriptions an event was delivered to, with their delivery ids. One it was handed over to at acceptance
   * (payload-value.ts) whose record is not written yet is pending; any other without a record has gone.
   */
  async forEvent(eventId: string): Promise<Array<{ id: string; subscription_id: string; status: DeliveryStatus }>> {
    const [payload, earlier, earliest] = await Promise.all([
      this.redis.get(this.keys.event(eventId)),
      this.redis.get(this.keys.eventSubscriptions(eventId)),
      this.redis.smembers(this.keys.legacyEventDeliveries(eventId)),
    ]);
    const subscriptions = eventSubscriptions(payload, earlier, earliest);
    const ids = subscriptions.map(({ subscriptionId }) => deliveryIdFor(eventId, subscriptionId));
    const states = await this.states(ids);
    return ids.flatMap((id, index) => {
      const { subscriptionId, handedOver } = subscriptions[index] as EventSubscription;
      const status = states[index]?.status ?? (handedOver ? 'pending' : undefined);
      return status ? [{ id, subscription_id: subscriptionId, status }] : [];
    });
  }

  async attempts(subscriptionId: string, limit = ATTEMPT_LOG_LENGTH): Promise<AttemptRecord[]> {
    const raws = await this.redis.lrange(this.keys.attempts(subscriptionId), 0, limit - 1);
    return raws.map((raw) => JSON.parse(raw) as AttemptRecord);
  }
}
