import type { ChainableCommander, Result } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';

// Any success clears the record; failures count up from the first one (Svix keeps endpoint health the same way).
// KEYS: health. ARGV: successes, failures, now ms, ttl s. Returns nil, or { consecutive failures, failing since ms }.
const RECORD = `
if tonumber(ARGV[1]) > 0 then
  redis.call('DEL', KEYS[1])
  return nil
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', ARGV[2])
redis.call('HSETNX', KEYS[1], 'since', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return { failures, tonumber(redis.call('HGET', KEYS[1], 'since')) }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetRecordHealth(healthKey: string, successes: number, failures: number, now: number, ttlSeconds: number): Result<[number, number] | null, Context>;
  }
}

/** Failure streaks are forgotten a week after the last failure. */
const HEALTH_TTL_SECONDS = 7 * 24 * 3600;

/** Makes the health script callable on `redis` and its pipelines (once per client). */
export function defineEndpointHealth(redis: RedisClient): void {
  if (!Object.hasOwn(redis, 'hookfleetRecordHealth')) redis.defineCommand('hookfleetRecordHealth', { numberOfKeys: 1, lua: RECORD });
}

/** Queues a batch of outcomes on a pipeline; its reply reads with streakOf. */
export function queueHealthRecord(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, successes: number, failures: number, now = Date.now()): void {
  (pipeline as unknown as { hookfleetRecordHealth(...args: unknown[]): void }).hookfleetRecordHealth(keys.endpointHealth(subscriptionId), successes, failures, now, HEALTH_TTL_SECONDS);
}

/** The script's reply: the failure streak, or null once the endpoint answered well. */
export function streakOf(reply: unknown): EndpointFailureStreak | null {
  if (!Array.isArray(reply)) return null;
  return { consecutiveFailures: Number(reply[0]), failingSinceMs: Number(reply[1]) };
}

export interface EndpointFailureStreak {
  consecutiveFailures: number;
  failingSinceMs: number;
}

/** Consecutive failures of a subscription's endpoint across the fleet, for the circuit breaker. */
export class EndpointHealth {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {
    defineEndpointHealth(redis);
  }

  /** Records a batch of outcomes; returns the failure streak, or null once the endpoint answered well. */
  async record(subscriptionId: string, successes: number, failures: number, now = Date.now()): Promise<EndpointFailureStreak | null> {
    if (successes === 0 && failures === 0) return null;
    return streakOf(await this.redis.hookfleetRecordHealth(this.keys.endpointHealth(subscriptionId), successes, failures, now, HEALTH_TTL_SECONDS));
  }
}
