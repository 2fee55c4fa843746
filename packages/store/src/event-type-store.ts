import type { RegisteredEventType } from '@hookfleet/core';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import { batch } from './batch.js';

const field = (profile: string, type: string) => `${profile}:${type}`;

/**
 * KEYS: the types' hash, its version counter. ARGV: the field, the type as JSON, the most types there may be.
 * Counted and written in one step, so two registrations at once cannot both take the last place.
 */
const CREATE_WITHIN_LIMIT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 'created'`;

/** KEYS: the types' hash, its version counter. ARGV: the field, the type as JSON. */
const SAVE = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
return 1`;

export type EventTypeCreation = 'created' | 'exists' | 'full';

/**
 * How long a copy is trusted on its version alone. Past it the hash is read whole again anyway: a change that did
 * not bump the counter (an API process of an earlier release during a rolling upgrade, a hand edit) is seen within it.
 */
export const EVENT_TYPES_COPY_MAX_AGE_MS = 60_000;

/**
 * The event types operators register (with their JSON Schemas), in one hash every API process reads whole, and a
 * version counter every change bumps: a reader asks for the counter (a few bytes) and reads the hash again only when
 * it moved, instead of every schema every second.
 */
export class EventTypeStore {
  /** The hash as last read, and the version it was read at (null: no change made since the counter existed). */
  private copy: { version: string | null; readAt: number; raw: Readonly<Record<string, string>> } | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Registers the type unless it is registered already, or `maxTypes` are. */
  async create(entry: RegisteredEventType, maxTypes: number): Promise<EventTypeCreation> {
    const answer = await this.redis.eval(CREATE_WITHIN_LIMIT, 2, this.keys.eventTypes(), this.keys.eventTypesVersion(), field(entry.profile, entry.type), JSON.stringify(entry), maxTypes);
    return answer as EventTypeCreation;
  }

  async get(profile: string, type: string): Promise<RegisteredEventType | null> {
    const raw = await this.redis.hget(this.keys.eventTypes(), field(profile, type));
    return raw ? (JSON.parse(raw) as RegisteredEventType) : null;
  }

  async save(entry: RegisteredEventType): Promise<void> {
    await this.redis.eval(SAVE, 2, this.keys.eventTypes(), this.keys.eventTypesVersion(), field(entry.profile, entry.type), JSON.stringify(entry));
  }

  /**
   * Every registered type, as JSON text keyed by `<profile>:<type>`: a reader compiles only what changed. While the
   * version stands still this is the same object as the last answer, read with one GET of the counter.
   */
  async allRaw(): Promise<Readonly<Record<string, string>>> {
    const version = await this.redis.get(this.keys.eventTypesVersion());
    if (this.copy && this.copy.version === version && performance.now() - this.copy.readAt < EVENT_TYPES_COPY_MAX_AGE_MS) return this.copy.raw;
    const readAt = performance.now();
    // The counter read again just before the hash, in one round trip: a change between the two reads leaves the copy
    // dated before it, so the next call reads again, and none is missed. Not a MULTI: a Redis at its memory limit
    // refuses every command queued in one, reads too, and the types must stay readable then (docs/guarantees.md).
    const replies = (await batch(this.redis).get(this.keys.eventTypesVersion()).hgetall(this.keys.eventTypes()).exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed || replies.length !== 2) throw failed?.[0] ?? new Error('the event types could not be read');
    const copy = { version: replies[0]?.[1] as string | null, readAt, raw: Object.freeze(replies[1]?.[1] as Record<string, string>) };
    this.copy = copy;
    return copy.raw;
  }
}
