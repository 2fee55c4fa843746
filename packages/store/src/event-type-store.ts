import type { RegisteredEventType } from '@hookfleet/core';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';

const field = (profile: string, type: string) => `${profile}:${type}`;

/** The event types operators register (with their JSON Schemas), in one small hash every API process reads whole. */
export class EventTypeStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** False when the type is already registered. */
  async create(entry: RegisteredEventType): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.eventTypes(), field(entry.profile, entry.type), JSON.stringify(entry))) === 1;
  }

  async get(profile: string, type: string): Promise<RegisteredEventType | null> {
    const raw = await this.redis.hget(this.keys.eventTypes(), field(profile, type));
    return raw ? (JSON.parse(raw) as RegisteredEventType) : null;
  }

  async save(entry: RegisteredEventType): Promise<void> {
    await this.redis.hset(this.keys.eventTypes(), field(entry.profile, entry.type), JSON.stringify(entry));
  }

  /** Every registered type, as JSON text keyed by `<profile>:<type>`: a reader compiles only what changed. */
  async allRaw(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.eventTypes());
  }
}
