import type { ChainableCommander, Result } from 'ioredis';
import type { RedisClient } from './redis.js';
import type { RateLimit } from '@hookfleet/core';
import { batch, execChecked } from './batch.js';
import type { Keys } from './keys.js';
import { ACQUIRE, CLAIM_WAITING, LINE_UP, NEXT_WAITING, TAKEN } from './rate-limit-scripts.js';

export { LINE_HOLDER_GRACE_MS } from './rate-limit-scripts.js';

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
      holderKey: string,
      waitingKey: string,
      intervalMs: string,
      toleranceMs: number,
      wanted: number,
      ticket: string,
      units: number,
      mergeable: string,
    ): Result<[number, number, number], Context>;
    hookfleetLineNext(holderKey: string, waitingKey: string, ticket: string, count: number): Result<string[] | null, Context>;
    hookfleetLineTaken(holderKey: string, waitingKey: string, ticket: string, count: number): Result<number, Context>;
    hookfleetLineClaim(holderKey: string, from: string, to: string): Result<number, Context>;
    hookfleetLineUp(
      tatKey: string,
      pauseKey: string,
      lineKey: string,
      lineStateKey: string,
      holderKey: string,
      waitingKey: string,
      intervalMs: string, toleranceMs: number, ticket: string, units: number): Result<[number, number, number], Context>;
  }
}

export interface Grant {
  granted: number;
  waitMs: number;
  /** The caller's ticket is in the subscription's line: `waitMs` is until its turn. */
  inLine: boolean;
  /** The caller's events joined the line holder's waiting list (it may end): `waitMs` is about when they go. */
  merged: boolean;
}

/** A subscription's waiting list as the sweep reads it: how many events wait, and which job's ticket holds the line. */
export interface WaitingLine {
  waiting: number;
  holder: string | null;
}

/** A job's place in its subscription's line: who it is, and how many of the limit's slots its turn takes. */
export interface LineTicket {
  ticket: string;
  units: number;
  /**
   * The caller's event ids, when it may be merged (a small group's first attempts): should it have to wait, they join
   * the line holder's waiting list instead (or the caller becomes the holder).
   */
  mergeable?: readonly string[];
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
    if (!Object.hasOwn(redis, 'hookfleetAcquire')) redis.defineCommand('hookfleetAcquire', { numberOfKeys: 6, lua: ACQUIRE });
    if (!Object.hasOwn(redis, 'hookfleetLineUp')) redis.defineCommand('hookfleetLineUp', { numberOfKeys: 6, lua: LINE_UP });
    if (!Object.hasOwn(redis, 'hookfleetLineNext')) redis.defineCommand('hookfleetLineNext', { numberOfKeys: 2, lua: NEXT_WAITING });
    if (!Object.hasOwn(redis, 'hookfleetLineTaken')) redis.defineCommand('hookfleetLineTaken', { numberOfKeys: 2, lua: TAKEN });
    if (!Object.hasOwn(redis, 'hookfleetLineClaim')) redis.defineCommand('hookfleetLineClaim', { numberOfKeys: 1, lua: CLAIM_WAITING });
    defineEndpointPause(redis);
  }

  private keysOf(subscriptionId: string): [string, string, string, string, string, string] {
    const tat = this.keys.rateLimit(subscriptionId);
    return [tat, this.keys.endpointPause(subscriptionId), `${tat}:line`, `${tat}:line-state`, `${tat}:line-holder`, this.keys.rateLimitWaiting(subscriptionId)];
  }

  /**
   * How many of `wanted` deliveries may go now, and how long to wait before asking again for the rest. With a
   * `line` ticket (a group or retry job: many may wait for one subscription) the wait is until the ticket's turn.
   */
  async acquire(subscriptionId: string, limit: RateLimit | null, wanted: number, line?: LineTicket): Promise<Grant> {
    if (wanted <= 0) return { granted: 0, waitMs: 0, inLine: false, merged: false };
    const { intervalMs, toleranceMs } = limit ? gcraParameters(limit) : { intervalMs: 0, toleranceMs: 0 };
    const [granted, waitMs, inLine] = await this.redis.hookfleetAcquire(
      ...this.keysOf(subscriptionId),
      String(intervalMs),
      toleranceMs,
      wanted,
      line?.ticket ?? '',
      Math.max(1, line?.units ?? 1),
      line?.mergeable ? JSON.stringify(line.mergeable) : '',
    );
    return { granted: Number(granted), waitMs: Number(waitMs), inLine: Number(inLine) === 1, merged: Number(inLine) === 2 };
  }

  /** Sends a ticket whose turn is over, with work left, to the end of its subscription's line; answers the wait for its next turn. */
  async lineUp(subscriptionId: string, limit: RateLimit, line: LineTicket): Promise<number> {
    const { intervalMs, toleranceMs } = gcraParameters(limit);
    const [, waitMs] = await this.redis.hookfleetLineUp(...this.keysOf(subscriptionId), String(intervalMs), toleranceMs, line.ticket, Math.max(1, line.units));
    return Number(waitMs);
  }

  /**
   * The line holder's next part of what waits: up to `count` event ids from the head of the waiting list, left there
   * until `taken`. An empty list ends the holdership; a caller that finds nobody holding it with events waiting takes
   * it; `null`: another job holds the line.
   */
  async nextWaiting(subscriptionId: string, ticket: string, count: number): Promise<string[] | null> {
    const [, , , , holder, waiting] = this.keysOf(subscriptionId);
    return (await this.redis.hookfleetLineNext(holder, waiting, ticket, Math.max(1, count))) ?? null;
  }

  /** The holder's part, written into its job, leaves the waiting list; false when the caller is no longer the holder. */
  async taken(subscriptionId: string, ticket: string, count: number): Promise<boolean> {
    const [, , , , holder, waiting] = this.keysOf(subscriptionId);
    return Number(await this.redis.hookfleetLineTaken(holder, waiting, ticket, count)) === 1;
  }

  /** The tickets waiting in a subscription's line, first turn first (at most `limit`). */
  async lineTickets(subscriptionId: string, limit = 10_000): Promise<string[]> {
    return this.redis.zrange(this.keysOf(subscriptionId)[2], 0, limit - 1);
  }

  /**
   * How many events wait in each subscription's waiting list and who holds its line (null: nobody, or its registration
   * ran out), in one round trip (one per node on a cluster): what the sweep for lists no job drains reads
   * (apps/worker/src/turn-sweep.ts).
   */
  async waitingLines(subscriptionIds: readonly string[]): Promise<WaitingLine[]> {
    if (subscriptionIds.length === 0) return [];
    const pipeline = batch(this.redis);
    for (const id of subscriptionIds) {
      const [, , , , holder, waiting] = this.keysOf(id);
      pipeline.llen(waiting).get(holder);
    }
    const replies = await execChecked(pipeline);
    return subscriptionIds.map((_, index) => ({ waiting: Number(replies[index * 2]), holder: (replies[index * 2 + 1] as string | null) ?? null }));
  }

  /**
   * Hands a subscription's line holdership to `ticket` (a job that will drain the waiting list), only from `from` (a
   * holder BullMQ failed for good) or, with `from` null, when nobody holds it; false when another job holds it.
   */
  async claimWaiting(subscriptionId: string, from: string | null, ticket: string): Promise<boolean> {
    const [, , , , holder] = this.keysOf(subscriptionId);
    return Number(await this.redis.hookfleetLineClaim(holder, from ?? '', ticket)) === 1;
  }

  /** How many events wait in a subscription's waiting list, merged into its line holder. */
  async waitingCount(subscriptionId: string): Promise<number> {
    return this.redis.llen(this.keysOf(subscriptionId)[5]);
  }

  /** The endpoint asked for a break (429/503 with Retry-After): nothing goes to it until then, from any worker. */
  async pause(subscriptionId: string, durationMs: number): Promise<void> {
    const bounded = boundedPauseMs(durationMs);
    if (bounded > 0) await this.redis.hookfleetPause(this.keys.endpointPause(subscriptionId), bounded);
  }
}
