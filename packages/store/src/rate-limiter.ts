import type { ChainableCommander, Result } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { RateLimit } from '@hookfleet/core';
import type { Keys } from './keys.js';

// The line: jobs that wait for a subscription's limit, each with the Redis time its turn comes (a sorted set, ticket →
// turn), and where the line ends (a hash: end, and the interval it was drawn for). Without it every waiting job was
// told "the next free slot" and came back at the same moment as all the others to ask again: a backlog of 2,000
// waiting at 20 a second cost Redis 20,000 commands a second (apps/worker/test/rate-limit-backlog-cost.test.ts). A
// job that joins it is told when its turn comes, once the ones before it had theirs. Shared by both scripts below.
// KEYS: tat, pause, line, line state. ARGV[1]: interval ms, ARGV[2]: tolerance ms.
/** How long a ticket stays in a line after its turn came: a job that ended (or died) leaves it behind. */
const LINE_STALE_MS = 60_000;

const LINE = `
local LINE_STALE_MS = ${LINE_STALE_MS}
local function redisNow()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
-- Where the line ends, drawn for this interval; a line drawn for another limit (a PATCH) is dropped.
local function lineEnd()
  local state = redis.call('HMGET', KEYS[4], 'end', 'interval')
  if state[2] == ARGV[1] then return tonumber(state[1]) end
  if state[2] then redis.call('DEL', KEYS[3], KEYS[4]) end
  return 0
end
-- The tat as stored (\`<tat>:<interval>\`), its debt rescaled to this interval when the limit changed (a PATCH): the
-- requests granted lately count the same at the new pace, so a raised limit holds at once, not after the old spacing.
local function readTat(now, interval)
  local raw = redis.call('GET', KEYS[1])
  if not raw then return now end
  local sep = string.find(raw, ':', 1, true)
  local tat = tonumber(sep and string.sub(raw, 1, sep - 1) or raw) or now
  local drawn = sep and tonumber(string.sub(raw, sep + 1)) or interval
  if tat < now then return now end
  if drawn ~= interval and drawn > 0 then tat = now + (tat - now) * interval / drawn end
  return tat
end
-- The ticket's turn at the end of the line (or once the tat and a pause allow), holding units of the limit for it.
local function lineUp(now, tat, ends, ticket, units)
  local interval = tonumber(ARGV[1])
  local tolerance = tonumber(ARGV[2])
  local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
  local turn = math.max(ends, tat, paused + tolerance, now)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - LINE_STALE_MS)
  redis.call('ZADD', KEYS[3], turn, ticket)
  local newEnd = turn + units * interval
  redis.call('HSET', KEYS[4], 'end', newEnd, 'interval', ARGV[1])
  local ttl = math.ceil(newEnd - now + LINE_STALE_MS)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[4], ttl)
  return { 0, math.max(1, turn - tolerance - now), 1 }
end
`;

// GCRA for a batch of n deliveries, and the endpoint's own pause (429/503 with Retry-After), in one call.
// ARGV: interval ms (0 = no limit), burst tolerance ms, wanted, ticket ('' = a caller outside the line: an ordered or
// batching subscription's one turn holder), units its turn holds. Returns { granted, wait ms, 1 when in the line }.
// Redis's clock, not each worker's, so the limit holds across the fleet. A ticket whose turn has not come waits for
// it; one that finds others in line joins its end; one whose turn came (or that finds no line) is granted what the
// limit allows, and when that is not all, is at the head: whoever comes after lines up behind what it still wants.
const ACQUIRE = `${LINE}
local now = redisNow()
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local ticket = ARGV[4]
local ends = 0
local turn = nil
if interval > 0 and ticket ~= '' then
  ends = lineEnd()
  turn = tonumber(redis.call('ZSCORE', KEYS[3], ticket))
  if turn and turn > now + tolerance then return { 0, turn - tolerance - now, 1 } end
end
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return { 0, paused - now, 0 } end
if interval <= 0 then return { wanted, 0, 0 } end
local tat = readTat(now, interval)
if ticket ~= '' and not turn and ends > tat then return lineUp(now, tat, ends, ticket, tonumber(ARGV[5])) end
local granted = math.floor((now + tolerance - tat) / interval) + 1
if granted < 0 then granted = 0 end
if granted > wanted then granted = wanted end
if granted > 0 then
  tat = tat + granted * interval
  redis.call('SET', KEYS[1], tat .. ':' .. ARGV[1], 'PX', math.ceil(tat - now + tolerance + 1000))
end
if granted < wanted and ticket ~= '' and not turn then
  redis.call('ZADD', KEYS[3], now, ticket)
  local newEnd = tat + math.min(wanted - granted, tonumber(ARGV[5])) * interval
  redis.call('HSET', KEYS[4], 'end', newEnd, 'interval', ARGV[1])
  local ttl = math.ceil(newEnd - now + LINE_STALE_MS)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[4], ttl)
end
local wait = 0
if granted < wanted then wait = math.max(1, tat - tolerance - now) end
return { granted, wait, 0 }
`;

// A ticket whose turn is over with work left (it held its slot long enough, or the next grant is far) goes to the end
// of the line. ARGV: interval ms, tolerance ms, ticket, units. Returns { 0, wait ms, 1 }.
const LINE_UP = `${LINE}
local now = redisNow()
local ends = lineEnd()
redis.call('ZREM', KEYS[3], ARGV[3])
local tat = readTat(now, tonumber(ARGV[1]))
return lineUp(now, tat, ends, ARGV[3], tonumber(ARGV[4]))
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
    hookfleetAcquire(
      tatKey: string,
      pauseKey: string,
      lineKey: string,
      lineStateKey: string,
      intervalMs: string,
      toleranceMs: number,
      wanted: number,
      ticket: string,
      units: number,
    ): Result<[number, number, number], Context>;
    hookfleetLineUp(tatKey: string, pauseKey: string, lineKey: string, lineStateKey: string, intervalMs: string, toleranceMs: number, ticket: string, units: number): Result<[number, number, number], Context>;
  }
}

export interface Grant {
  granted: number;
  waitMs: number;
  /** The caller's ticket is in the subscription's line: `waitMs` is until its turn. */
  inLine: boolean;
}

/** A job's place in its subscription's line: who it is, and how many of the limit's slots its turn takes. */
export interface LineTicket {
  ticket: string;
  units: number;
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
    if (!Object.hasOwn(redis, 'hookfleetAcquire')) redis.defineCommand('hookfleetAcquire', { numberOfKeys: 4, lua: ACQUIRE });
    if (!Object.hasOwn(redis, 'hookfleetLineUp')) redis.defineCommand('hookfleetLineUp', { numberOfKeys: 4, lua: LINE_UP });
    defineEndpointPause(redis);
  }

  private keysOf(subscriptionId: string): [string, string, string, string] {
    const tat = this.keys.rateLimit(subscriptionId);
    return [tat, this.keys.endpointPause(subscriptionId), `${tat}:line`, `${tat}:line-state`];
  }

  /**
   * How many of `wanted` deliveries may go now, and how long to wait before asking again for the rest. With a
   * `line` ticket (a group or retry job: many may wait for one subscription) the wait is until the ticket's turn.
   */
  async acquire(subscriptionId: string, limit: RateLimit | null, wanted: number, line?: LineTicket): Promise<Grant> {
    if (wanted <= 0) return { granted: 0, waitMs: 0, inLine: false };
    const { intervalMs, toleranceMs } = limit ? gcraParameters(limit) : { intervalMs: 0, toleranceMs: 0 };
    const [granted, waitMs, inLine] = await this.redis.hookfleetAcquire(
      ...this.keysOf(subscriptionId),
      String(intervalMs),
      toleranceMs,
      wanted,
      line?.ticket ?? '',
      Math.max(1, line?.units ?? 1),
    );
    return { granted: Number(granted), waitMs: Number(waitMs), inLine: Number(inLine) === 1 };
  }

  /** Sends a ticket whose turn is over, with work left, to the end of its subscription's line; answers the wait for its next turn. */
  async lineUp(subscriptionId: string, limit: RateLimit, line: LineTicket): Promise<number> {
    const { intervalMs, toleranceMs } = gcraParameters(limit);
    const [, waitMs] = await this.redis.hookfleetLineUp(...this.keysOf(subscriptionId), String(intervalMs), toleranceMs, line.ticket, Math.max(1, line.units));
    return Number(waitMs);
  }

  /** The tickets waiting in a subscription's line, first turn first (at most `limit`). */
  async lineTickets(subscriptionId: string, limit = 10_000): Promise<string[]> {
    return this.redis.zrange(this.keysOf(subscriptionId)[2], 0, limit - 1);
  }

  /** The endpoint asked for a break (429/503 with Retry-After): nothing goes to it until then, from any worker. */
  async pause(subscriptionId: string, durationMs: number): Promise<void> {
    const bounded = boundedPauseMs(durationMs);
    if (bounded > 0) await this.redis.hookfleetPause(this.keys.endpointPause(subscriptionId), bounded);
  }
}
