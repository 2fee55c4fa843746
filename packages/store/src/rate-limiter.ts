import type { ChainableCommander, Result } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { RateLimit } from '@hookfleet/core';
import type { Keys } from './keys.js';

// GCRA for a batch of n deliveries, and the endpoint's own pause (429/503 with Retry-After), in one call.
// KEYS: tat, pause. ARGV: interval ms (0 = no limit), burst tolerance ms, wanted. Returns { granted, wait ms }.
// Redis's clock, not each worker's, so the limit holds across the fleet.
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return { 0, paused - now } end
local interval = tonumber(ARGV[1])
local wanted = tonumber(ARGV[3])
if interval <= 0 then return { wanted, 0 } end
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local granted = math.floor((now + tolerance - tat) / interval) + 1
if granted < 0 then granted = 0 end
if granted > wanted then granted = wanted end
if granted > 0 then
  tat = tat + granted * interval
  redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now + tolerance + 1000))
end
local wait = 0
if granted < wanted then wait = math.max(1, tat - tolerance - now) end
return { granted, wait }
`;

// An endpoint's pause until Redis's now + ARGV[1] ms; a longer pause already set stays. KEYS: pause. Returns the end.
const PAUSE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ends = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= ends then return current end
redis.call('SET', KEYS[1], ends, 'PX', tonumber(ARGV[1]) + 1000)
return ends
`;

/** Makes the pause script callable on `redis` and its pipelines (once per client). */
export function defineEndpointPause(redis: RedisClient): void {
  if (!Object.hasOwn(redis, 'hookfleetPause')) redis.defineCommand('hookfleetPause', { numberOfKeys: 1, lua: PAUSE });
}

/** A pause bounded to what an endpoint may impose; 0 when none. */
export function boundedPauseMs(durationMs: number): number {
  return Math.min(Math.max(0, Math.round(durationMs)), MAX_ENDPOINT_PAUSE_MS);
}

/** Queues an endpoint's pause on a pipeline (settle writes it with the attempt that asked for it). */
export function queueEndpointPause(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, durationMs: number): void {
  const bounded = boundedPauseMs(durationMs);
  if (bounded > 0) (pipeline as unknown as { hookfleetPause(...args: unknown[]): void }).hookfleetPause(keys.endpointPause(subscriptionId), bounded);
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetPause(pauseKey: string, durationMs: number): Result<number, Context>;
    hookfleetAcquire(tatKey: string, pauseKey: string, intervalMs: number, toleranceMs: number, wanted: number): Result<[number, number], Context>;
  }
}

export interface Grant {
  granted: number;
  waitMs: number;
}

/**
 * Emission interval and burst tolerance of a limit. A burst of 0.3 s worth lets a worker that was held up (GC, a
 * busy core) catch up without breaking the pace: any 5-second window stays within +6 % of the limit.
 */
export function gcraParameters(limit: RateLimit): { intervalMs: number; toleranceMs: number } {
  const perSecond = 'per_second' in limit ? limit.per_second : limit.per_minute / 60;
  const intervalMs = 1000 / perSecond;
  const burst = Math.max(1, Math.floor(perSecond * 0.3));
  return { intervalMs, toleranceMs: intervalMs * (burst - 1) };
}

/** Longest pause an endpoint's Retry-After may impose. */
export const MAX_ENDPOINT_PAUSE_MS = 3_600_000;

/** The per-subscription limiter every worker process shares (issue: per-endpoint rate limits). */
export class RateLimiter {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {
    if (!Object.hasOwn(redis, 'hookfleetAcquire')) redis.defineCommand('hookfleetAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    defineEndpointPause(redis);
  }

  /** How many of `wanted` deliveries may go now, and how long to wait before asking again for the rest. */
  async acquire(subscriptionId: string, limit: RateLimit | null, wanted: number): Promise<Grant> {
    if (wanted <= 0) return { granted: 0, waitMs: 0 };
    const { intervalMs, toleranceMs } = limit ? gcraParameters(limit) : { intervalMs: 0, toleranceMs: 0 };
    const [granted, waitMs] = await this.redis.hookfleetAcquire(this.keys.rateLimit(subscriptionId), this.keys.endpointPause(subscriptionId), intervalMs, toleranceMs, wanted);
    return { granted: Number(granted), waitMs: Number(waitMs) };
  }

  /** The endpoint asked for a break (429/503 with Retry-After): nothing goes to it until then, from any worker. */
  async pause(subscriptionId: string, durationMs: number): Promise<void> {
    const bounded = boundedPauseMs(durationMs);
    if (bounded > 0) await this.redis.hookfleetPause(this.keys.endpointPause(subscriptionId), bounded);
  }
}
