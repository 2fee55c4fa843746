import type { Result } from 'ioredis';
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

export interface EndpointFailureStreak {
  consecutiveFailures: number;
  failingSinceMs: number;
}

/** Consecutive failures of a subscription's endpoint across the fleet, for the circuit breaker. */
export class EndpointHealth {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {
    if (!Object.hasOwn(redis, 'hookfleetRecordHealth')) redis.defineCommand('hookfleetRecordHealth', { numberOfKeys: 1, lua: RECORD });
  }

  /** Records a batch of outcomes; returns the failure streak, or null once the endpoint answered well. */
  async record(subscriptionId: string, successes: number, failures: number, now = Date.now()): Promise<EndpointFailureStreak | null> {
    if (successes === 0 && failures === 0) return null;
    const result = await this.redis.hookfleetRecordHealth(this.keys.endpointHealth(subscriptionId), successes, failures, now, 7 * 24 * 3600);
    return result ? { consecutiveFailures: Number(result[0]), failingSinceMs: Number(result[1]) } : null;
  }
}
