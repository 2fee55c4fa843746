import type { Redis, Result } from 'ioredis';
import type { StoredEvent } from '@hookfleet/core';
import type { Keys } from './keys.js';

/** An event id is deduplicated for 24 hours, whatever the retention (CONTRACT.md, POST /v1/events). */
export const DEDUPE_WINDOW_SECONDS = 24 * 3600;
/** With retention 0 a payload must still outlive its retry ladder. */
const MIN_PAYLOAD_TTL_SECONDS = 48 * 3600;

// Marker "0": stored but not yet confirmed enqueued, so a producer retrying after a crash re-enqueues
// (the matcher is idempotent); "1": enqueued, so the same id again is a duplicate.
const ACCEPT_EVENT = `
local marker = redis.call('GET', KEYS[1])
if marker == '1' then return 0 end
redis.call('SET', KEYS[1], '0', 'EX', ARGV[1])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetAcceptEvent(
      dedupeKey: string,
      payloadKey: string,
      tenantIndexKey: string,
      dedupeTtl: number,
      payloadTtl: number,
      payload: string,
      score: number,
      id: string,
    ): Result<number, Context>;
  }
}

export class EventStore {
  readonly payloadTtlSeconds: number;

  constructor(private readonly redis: Redis, private readonly keys: Keys, retentionHours: number) {
    this.payloadTtlSeconds = Math.max(Math.round(retentionHours * 3600), retentionHours > 0 ? 1 : MIN_PAYLOAD_TTL_SECONDS);
    if (!Object.hasOwn(redis, 'hookfleetAcceptEvent')) redis.defineCommand('hookfleetAcceptEvent', { numberOfKeys: 3, lua: ACCEPT_EVENT });
  }

  /** Stores each new event once (one round trip for the whole batch); returns, per event, whether it was new. */
  async accept(events: readonly StoredEvent[]): Promise<boolean[]> {
    const pipeline = this.redis.pipeline();
    for (const event of events) {
      pipeline.hookfleetAcceptEvent(
        this.keys.dedupe(event.id),
        this.keys.event(event.id),
        this.keys.tenantEvents(event.tenant),
        DEDUPE_WINDOW_SECONDS,
        this.payloadTtlSeconds,
        JSON.stringify(event),
        Date.parse(event.received_at),
        event.id,
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value === 1;
    });
  }

  /** After the matcher job is enqueued: from now on the same id is a duplicate. */
  async confirmEnqueued(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.set(this.keys.dedupe(id), '1', 'KEEPTTL', 'XX');
    await pipeline.exec();
  }

  async getMany(ids: readonly string[]): Promise<Array<StoredEvent | null>> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.event(id)));
    return raws.map((raw) => (raw ? (JSON.parse(raw) as StoredEvent) : null));
  }

  /** Drops index entries older than the retention; the payloads themselves expire by TTL. */
  async trimTenantIndex(tenant: string, now = Date.now()): Promise<void> {
    await this.redis.zremrangebyscore(this.keys.tenantEvents(tenant), '-inf', now - this.payloadTtlSeconds * 1000);
  }
}
