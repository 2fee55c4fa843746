import type { Result } from 'ioredis';
import { deliveryIdFor } from '@hookfleet/core';
import { batch, execChecked } from './batch.js';
import { defineIndexHolds } from './index-holds.js';
import { queueKeepUntil, type KeptDelivery } from './keep-until.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** Backlog entries whose payloads and records one round trip keeps alive (keepEntriesUntil). */
const KEEP_CHUNK = 500;

// The turn of an ordered subscription: taken when free or already ours (a job that comes back after a delay, or
// re-runs after its worker died, is the same job id), renewed on every take. KEYS: turn. ARGV: owner, lease ms.
const TAKE_TURN = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

// Gives the turn back and says how many deliveries still wait, in one step: an entry added after this is seen by
// whoever adds it (it tries the turn next), one added before by the caller (it sees a count above 0). An empty
// backlog's counter and keeping time go too: they order and keep entries that wait, and there are none, so a deleted
// subscription leaves no key behind; the next entry starts the counter again.
// KEYS: turn, backlog, counter, kept. ARGV: owner.
const GIVE_TURN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local waiting = redis.call('ZCARD', KEYS[2])
if waiting == 0 then redis.call('DEL', KEYS[3], KEYS[4]) end
return waiting
`;

// Adds entries scored by their event's received time (ms); each member starts with a per-subscription counter, so
// entries of the same millisecond (one batch, or two requests within a millisecond) keep the order they were added in.
// KEYS: backlog, counter. ARGV: score, event id, score, event id, …
const ADD = `
local count = #ARGV / 2
local first = redis.call('INCRBY', KEYS[2], count) - count
for index = 1, count do
  redis.call('ZADD', KEYS[1], ARGV[index * 2 - 1], string.format('%015.0f', first + index) .. ':' .. ARGV[index * 2])
end
return count
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetBacklogAdd(backlogKey: string, counterKey: string, ...scoresAndIds: Array<string | number>): Result<number, Context>;
    hookfleetTakeTurn(turnKey: string, owner: string, leaseMs: number): Result<number, Context>;
    hookfleetGiveTurn(turnKey: string, backlogKey: string, counterKey: string, keptKey: string, owner: string): Result<number, Context>;
  }
}

export interface BacklogEntry {
  eventId: string;
  /** When the event was accepted (ms): the backlog's order. */
  receivedAt: number;
}

/** The backlog's earliest entry: its member, event id and event's acceptance (ms). */
export interface BacklogHead extends BacklogEntry {
  member: string;
}

/** A backlog's size and the job id holding its turn (null: nobody). */
export interface BacklogTurn {
  waiting: number;
  holder: string | null;
}

/** A backlog member is `<counter>:<event id>`; event ids may hold colons, the counter does not. */
export const eventIdOf = (member: string) => member.slice(member.indexOf(':') + 1);

/**
 * The per-subscription FIFO of an ordered subscription: event ids sorted by event order, and a turn (a lease held
 * by one job at a time) so that exactly one worker sends its head, whatever the number of workers.
 * Both keys share the subscription's hash tag, so a Redis Cluster keeps them in one slot for the scripts.
 */
export class OrderedBacklog {
  constructor(protected readonly redis: RedisClient, protected readonly keys: Keys) {
    if (!Object.hasOwn(redis, 'hookfleetBacklogAdd')) redis.defineCommand('hookfleetBacklogAdd', { numberOfKeys: 2, lua: ADD });
    if (!Object.hasOwn(redis, 'hookfleetTakeTurn')) redis.defineCommand('hookfleetTakeTurn', { numberOfKeys: 1, lua: TAKE_TURN });
    if (!Object.hasOwn(redis, 'hookfleetGiveTurn')) redis.defineCommand('hookfleetGiveTurn', { numberOfKeys: 4, lua: GIVE_TURN });
    // keepEntriesUntil holds the kept entries' index entries (keep-until.ts).
    defineIndexHolds(redis);
  }

  /** The backlog's key; its counter and turn keys hang off it (BatchBacklog keeps its own). */
  protected backlogKey(subscriptionId: string): string {
    return this.keys.orderedBacklog(subscriptionId);
  }

  private counterKey(subscriptionId: string): string {
    return `${this.backlogKey(subscriptionId)}:counter`;
  }

  private turnKey(subscriptionId: string): string {
    return `${this.backlogKey(subscriptionId)}:turn`;
  }

  /** When the backlog's entries were last kept alive (keepEntriesUntil); gone once that no longer matters. */
  private keptKey(subscriptionId: string): string {
    return `${this.backlogKey(subscriptionId)}:kept`;
  }

  /**
   * Adds entries in event order (the order given breaks ties within a millisecond). An event added twice (a job
   * that ran twice) waits twice; its second turn finds it finished and only removes it.
   */
  async add(subscriptionId: string, entries: readonly BacklogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.hookfleetBacklogAdd(this.backlogKey(subscriptionId), this.counterKey(subscriptionId), ...entries.flatMap((entry) => [entry.receivedAt, entry.eventId]));
  }

  /** The earliest waiting entry, or null when nothing waits. */
  async head(subscriptionId: string): Promise<BacklogHead | null> {
    const [member, score] = await this.redis.zrange(this.backlogKey(subscriptionId), 0, 0, 'WITHSCORES');
    return member === undefined ? null : { member, eventId: eventIdOf(member), receivedAt: Number(score) };
  }

  async remove(subscriptionId: string, member: string): Promise<void> {
    await this.redis.zrem(this.backlogKey(subscriptionId), member);
  }

  /** Empties the backlog (the subscription is gone or inactive), its counter with it; returns the event ids that were waiting. */
  async clear(subscriptionId: string): Promise<string[]> {
    const key = this.backlogKey(subscriptionId);
    const results = await this.redis.multi().zrange(key, 0, -1).del(key, this.counterKey(subscriptionId)).exec();
    return [...new Set(((results?.[0]?.[1] as string[] | undefined) ?? []).map(eventIdOf))];
  }

  /** When keepEntriesUntil last ran for this backlog (epoch ms); null when it never did, or longer ago than the `forgetAfterMs` it was given. */
  async keptAt(subscriptionId: string): Promise<number | null> {
    const stored = await this.redis.get(this.keptKey(subscriptionId));
    return stored === null ? null : Number(stored);
  }

  /**
   * Keeps the payload and the delivery record of every waiting entry until at least `untilMs` (never shorter: PEXPIREAT
   * GT), KEEP_CHUNK entries a round trip, and notes `now` as when it was done, forgotten after `forgetAfterMs`. For
   * deliveries that wait behind an ordered head which is retrying or deferred: their lifetime counts from their
   * event's acceptance, and nothing else renews it while they wait. Returns how many entries were kept.
   */
  async keepEntriesUntil(subscriptionId: string, untilMs: number, forgetAfterMs: number, now = Date.now()): Promise<number> {
    const key = this.backlogKey(subscriptionId);
    let kept = 0;
    for (let start = 0; ; start += KEEP_CHUNK) {
      // By rank: only the turn's holder removes entries, and it is the caller; an entry added meanwhile before the
      // cursor moves the rest one on (one kept twice, none skipped).
      const scored = await this.redis.zrange(key, start, start + KEEP_CHUNK - 1, 'WITHSCORES');
      const entries: KeptDelivery[] = [];
      for (let index = 0; index < scored.length; index += 2) {
        const eventId = eventIdOf(scored[index] as string);
        // A backlog entry's score is its event's acceptance (add): its index entries' score too.
        entries.push({ eventId, deliveryId: deliveryIdFor(eventId, subscriptionId), eventReceivedAt: Number(scored[index + 1]), untilMs });
      }
      if (entries.length > 0) {
        const pipeline = batch(this.redis);
        queueKeepUntil(pipeline, this.keys, subscriptionId, entries);
        await execChecked(pipeline);
        kept += entries.length;
      }
      if (entries.length < KEEP_CHUNK) break;
    }
    await this.redis.set(this.keptKey(subscriptionId), String(now), 'PX', Math.max(1, Math.round(forgetAfterMs)));
    return kept;
  }

  /** True when `owner` holds the turn now (taken or renewed for `leaseMs`). */
  async takeTurn(subscriptionId: string, owner: string, leaseMs: number): Promise<boolean> {
    return (await this.redis.hookfleetTakeTurn(this.turnKey(subscriptionId), owner, Math.max(1, Math.round(leaseMs)))) === 1;
  }

  /** The job id that holds the turn, or null when none does. */
  async turnHolder(subscriptionId: string): Promise<string | null> {
    return this.redis.get(this.turnKey(subscriptionId));
  }

  /** Gives the turn back (if `owner` holds it); returns how many entries still wait. */
  async giveTurn(subscriptionId: string, owner: string): Promise<number> {
    return Number(
      await this.redis.hookfleetGiveTurn(this.turnKey(subscriptionId), this.backlogKey(subscriptionId), this.counterKey(subscriptionId), this.keptKey(subscriptionId), owner),
    );
  }

  /**
   * How many entries wait in each backlog and which job holds its turn (null: none, or its lease ran out), in one
   * round trip (one per node on a cluster): what a sweep for backlogs no job drains reads (apps/worker/src/turn-sweep.ts).
   */
  async turns(subscriptionIds: readonly string[]): Promise<BacklogTurn[]> {
    if (subscriptionIds.length === 0) return [];
    const pipeline = batch(this.redis);
    for (const id of subscriptionIds) pipeline.zcard(this.backlogKey(id)).get(this.turnKey(id));
    const replies = await execChecked(pipeline);
    return subscriptionIds.map((_, index) => ({ waiting: Number(replies[index * 2]), holder: (replies[index * 2 + 1] as string | null) ?? null }));
  }
}
