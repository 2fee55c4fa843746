import { randomBytes } from 'node:crypto';
import type { StoredEvent } from '@hookfleet/core';
import { findProfile, lastAttemptWithinMs } from '@hookfleet/profiles';
import { batch, execChecked, getMany } from './batch.js';
import { eventJson, loadedForDelivery } from './stored-event-json.js';
import { keyAffixes, type Keys } from './keys.js';
import { handedOverIdsOfPayload, handedOverLine, markedPayload, payloadJson } from './payload-value.js';
import { decodeCursor, encodeCursor, newestFirst, type ScoredId } from './page-cursor.js';
import { defineAcceptEvents } from './accept-events.js';
import { isCluster, type RedisClient } from './redis.js';

/** An event id is deduplicated for 24 hours, whatever the retention (docs/contract.md, POST /v1/events); on a cluster, a marker in the payload as long as the payload is kept (docs/delivery.md). */
export const DEDUPE_WINDOW_SECONDS = 24 * 3600;
/** With retention 0 a payload must still outlive its retry ladder. */
const MIN_PAYLOAD_TTL_SECONDS = 48 * 3600;

/** What `accept` found: per event whether it was new, and the flush to confirm once its matcher job is enqueued. */
export interface Acceptance {
  isNew: boolean[];
  flush: string;
  /** The events whose payload carries their marker (payload-value.ts): confirmed in the payload on a cluster. */
  markedInPayload: ReadonlySet<string>;
}

const NONE_MARKED: ReadonlySet<string> = new Set();

/** Flush ids: unique per process (a random tag) and short (a counter), as they are stored in every marker. */
const processTag = randomBytes(6).toString('base64url');
let flushCount = 0;

export class EventStore {
  readonly payloadTtlSeconds: number;
  /**
   * Retention 0 (docs/delivery.md, "Retention"): an event is kept only until its deliveries end. It is not listed (nothing is
   * retained to list or replay) and the delivery worker drops it when its last delivery ends
   * (DeliveryStore.releaseEndedEvents); the TTL only catches what is never delivered.
   */
  readonly keptUntilDelivered: boolean;

  private readonly ttlByProfile = new Map<string, number>();

  /** `retryDelayScale`: RETRY_DELAY_SCALE, the same for the API and the workers (payloads are kept for their ladders). */
  constructor(private readonly redis: RedisClient, private readonly keys: Keys, retentionHours: number, private readonly retryDelayScale = 1) {
    this.keptUntilDelivered = retentionHours <= 0;
    this.payloadTtlSeconds = Math.max(Math.round(retentionHours * 3600), retentionHours > 0 ? 1 : MIN_PAYLOAD_TTL_SECONDS);
    defineAcceptEvents(redis);
  }

  /**
   * The TTL an event's payload is stored with: the retention, or longer when a delivery of its profile, with no delay of
   * its subscription, can still make its last attempt after that (payload-lifetime.ts). Set here, at acceptance, at no
   * cost; the matcher extends it only for subscriptions with a delay (matcher.ts).
   */
  payloadTtlSecondsOf(profileName: string): number {
    let ttl = this.ttlByProfile.get(profileName);
    if (ttl === undefined) {
      const ladderMs = findProfile(profileName)?.retryDelaysMs ?? [];
      ttl = Math.max(this.payloadTtlSeconds, Math.ceil(lastAttemptWithinMs({ ladderMs, delayMs: 0, scale: this.retryDelayScale }) / 1000));
      this.ttlByProfile.set(profileName, ttl);
    }
    return ttl;
  }

  /**
   * Whether an event of this profile has its dedupe marker in its payload (payload-value.ts): its payload is kept at
   * least the dedupe window, and not dropped once delivered (retention 0).
   */
  payloadCarriesMarker(profileName: string): boolean {
    return !this.keptUntilDelivered && this.payloadTtlSecondsOf(profileName) >= DEDUPE_WINDOW_SECONDS;
  }

  /**
   * The accept script's packed argument (accept-events.ts) as one buffer, each piece written into it in place. A buffer argument is copied
   * into ioredis's command as bytes, where a long string argument is concatenated into the command's text, which the
   * socket write flattens and encodes again; and a string built by `+=` is a rope of a thousand pieces that
   * `Buffer.from` must flatten before it encodes: 3.6 µs an event for a flush of 500 against 2.0 written in place,
   * the event's JSON (1.3) included (bench/README.md, fourteenth round).
   */
  private packForAccept(events: readonly StoredEvent[], flush: string, handedOver: ReadonlyArray<readonly string[] | undefined> | undefined): Buffer {
    const heads: string[] = new Array(events.length);
    const payloads: string[] = new Array(events.length);
    // A payload that carries its marker starts with it (payload-value.ts), written here as the head's end.
    const marker = markedPayload(flush, '');
    const markerBytes = Buffer.byteLength(marker);
    let bytes = 0;
    events.forEach((event, index) => {
      // Its `+` line (the subscriptions it is handed over to) is part of the payload the script cuts out by length.
      const payload = eventJson(event) + handedOverLine(handedOver?.[index] ?? []);
      const payloadBytes = Buffer.byteLength(payload);
      const ttl = this.payloadTtlSecondsOf(event.profile);
      const head = this.payloadCarriesMarker(event.profile) ? `${event.id} ${ttl} ${markerBytes + payloadBytes} p ${marker}` : `${event.id} ${ttl} ${payloadBytes} m `;
      heads[index] = head;
      payloads[index] = payload;
      bytes += Buffer.byteLength(head) + payloadBytes;
    });
    const packed = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let index = 0; index < events.length; index += 1) {
      at += packed.write(heads[index] as string, at);
      at += packed.write(payloads[index] as string, at);
    }
    return packed;
  }

  /**
   * Stores each new event once (one round trip for the whole batch); returns, per event, whether it was new.
   * The tenant index entry is added only if absent, so a duplicate keeps the first arrival's place. `handedOver`, per
   * event (same index), the subscriptions it is handed over to at acceptance: written as its payload's `+` line.
   */
  async accept(events: readonly StoredEvent[], handedOver?: ReadonlyArray<readonly string[] | undefined>): Promise<Acceptance> {
    const flush = `${processTag}${(flushCount++).toString(36)}`;
    const pipeline = batch(this.redis);
    const single = !isCluster(this.redis);
    if (single && events.length > 0) {
      pipeline.hookfleetAcceptEvents(
        flush,
        DEDUPE_WINDOW_SECONDS,
        this.keys.confirmedFlush(''),
        ...keyAffixes((id) => this.keys.dedupe(id)),
        ...keyAffixes((id) => this.keys.event(id)),
        this.packForAccept(events, flush, handedOver),
      );
    } else {
      for (const [index, event] of events.entries()) {
        const marked = this.payloadCarriesMarker(event.profile);
        const json = eventJson(event) + handedOverLine(handedOver?.[index] ?? []);
        const payload = marked ? markedPayload('0', json) : json;
        pipeline.hookfleetAcceptEvent(this.keys.dedupe(event.id), this.keys.event(event.id), DEDUPE_WINDOW_SECONDS, this.payloadTtlSecondsOf(event.profile), payload, marked ? 'p' : 'm');
      }
    }
    const byTenant = new Map<string, Array<number | string>>();
    for (const event of events) {
      let entries = byTenant.get(event.tenant);
      if (!entries) byTenant.set(event.tenant, (entries = []));
      entries.push(Date.parse(event.received_at), event.id);
    }
    // Retention 0: nothing is kept to list, so nothing is indexed.
    if (!this.keptUntilDelivered) for (const [tenant, entries] of byTenant) pipeline.zadd(this.keys.tenantEvents(tenant), 'NX', ...entries);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const replies = single ? ((results[0]?.[1] as number[] | undefined) ?? []) : results.slice(0, events.length).map(([, value]) => value);
    // A single Redis confirms the flush as a whole, wherever its markers are.
    const markedInPayload = single ? NONE_MARKED : new Set(events.filter((event) => this.payloadCarriesMarker(event.profile)).map((event) => event.id));
    return { isNew: events.map((_, index) => replies[index] === 1), flush, markedInPayload };
  }

  /** After the flush's matcher job is enqueued: from now on the same ids are duplicates. */
  async confirmEnqueued(acceptance: Acceptance, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    if (!isCluster(this.redis)) {
      await this.redis.set(this.keys.confirmedFlush(acceptance.flush), '1', 'EX', DEDUPE_WINDOW_SECONDS);
      return;
    }
    const pipeline = batch(this.redis);
    for (const id of eventIds) {
      if (acceptance.markedInPayload.has(id)) pipeline.hookfleetConfirmInPayload(this.keys.event(id));
      else pipeline.set(this.keys.dedupe(id), '1', 'KEEPTTL', 'XX');
    }
    await execChecked(pipeline);
  }

  async getMany(ids: readonly string[]): Promise<Array<StoredEvent | null>> {
    const raws = await getMany(this.redis, ids.map((id) => this.keys.event(id)));
    return raws.map((raw) => (raw ? (JSON.parse(payloadJson(raw)) as StoredEvent) : null));
  }

  /**
   * Each event with the subscriptions it was handed over to at acceptance (its payload's `+` lines): a handed-over
   * delivery has no record until its batch is settled, and is on its way meanwhile (replay must not send it again).
   */
  async getManyWithHandOver(ids: readonly string[]): Promise<Array<{ event: StoredEvent; handedOver: string[] } | null>> {
    const raws = await getMany(this.redis, ids.map((id) => this.keys.event(id)));
    return raws.map((raw) => (raw ? { event: JSON.parse(payloadJson(raw)) as StoredEvent, handedOver: handedOverIdsOfPayload(raw) } : null));
  }

  /** For a delivery worker: each event's data left as its stored JSON text until read (stored-event-json.ts). */
  async getManyForDelivery(ids: readonly string[]): Promise<Array<StoredEvent | null>> {
    const raws = await getMany(this.redis, ids.map((id) => this.keys.event(id)));
    return raws.map((raw) => (raw ? loadedForDelivery(payloadJson(raw)) : null));
  }

  /**
   * Keeps each payload at least until the given time (never shortens a longer expiry: PEXPIREAT GT): an event whose
   * deliveries can still make an attempt after the retention is kept until then. A payload already gone stays gone.
   */
  async keepPayloadsUntil(entries: ReadonlyArray<{ id: string; untilMs: number }>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = batch(this.redis);
    for (const { id, untilMs } of entries) pipeline.pexpireat(this.keys.event(id), Math.ceil(untilMs), 'GT');
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
  }

  /** The ids of a tenant's retained events received in [since, until], oldest first (for replay). */
  async idsInWindow(tenant: string, since: number, until: number, offset: number, count: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.tenantEvents(tenant), since, until, 'LIMIT', offset, count);
  }

  /** A tenant's retained events, newest first, filtered; `cursor` is opaque (received time and id of the last one). */
  async list(options: {
    tenant: string;
    since?: number | undefined;
    until?: number | undefined;
    type?: string | undefined;
    profile?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<{ data: StoredEvent[]; next_cursor: string | null }> {
    const key = this.keys.tenantEvents(options.tenant);
    const min = options.since ?? Date.now() - this.payloadTtlSeconds * 1000;
    const max = options.until ?? Number.POSITIVE_INFINITY;
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const data: StoredEvent[] = [];
    const chunk = Math.max(options.limit * 2, 100);
    for await (const entries of newestFirst(this.redis, key, { min, max, after }, chunk)) {
      const events = await this.getMany(entries.map(([id]) => id));
      for (let index = 0; index < entries.length; index += 1) {
        const event = events[index];
        if (!event) continue;
        if (options.type && event.type !== options.type) continue;
        if (options.profile && event.profile !== options.profile) continue;
        data.push(event);
        if (data.length === options.limit) {
          // The index's score, the position the next page resumes from (page-cursor.ts).
          return { data, next_cursor: encodeCursor(entries[index] as ScoredId) };
        }
      }
    }
    return { data, next_cursor: null };
  }

  /** Drops index entries older than the retention; the payloads themselves expire by TTL. */
  async trimTenantIndex(tenant: string, now = Date.now()): Promise<void> {
    await this.redis.zremrangebyscore(this.keys.tenantEvents(tenant), '-inf', now - this.payloadTtlSeconds * 1000);
  }
}
