import type { ChainableCommander, Result } from 'ioredis';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

// A subscription's delivery index (`…:dlvs`) and its dead-letter queue (`…:dlvs:dead`) are scored by when each
// delivery's event was accepted (the listing's order and its cursors, page-cursor.ts) and trimmed by that score, one
// record TTL back: a record lives that long from its creation. But some records live longer: a failed attempt renews
// its record for a whole TTL (settle-records.ts), a subscription's own ladder runs up to 7 days
// (packages/core/src/endpoint-options.ts), an ordered backlog is kept alive while its head waits (keep-until.ts), an
// operator's retry renews an old record (delivery-store.ts). Trimmed by score alone, such a delivery left the listing
// while it still retried and was trimmed from the dead-letter queue the moment it died.
//
// So each such delivery leaves a *hold* in its subscription's slot, written where its record's life is extended and
// nowhere else: when it was accepted (`since`, its score) and until when its record lives (`until`). The trim keeps
// every entry scored from the oldest live hold on, and drops holds that ended as it goes. Why this over the others:
// - a window per subscription (its ladder, its delay) is static: it knows nothing of an ordered backlog's wait, a
//   deferral's keeping or an operator's retry, which have no bound; and the matcher would need every subscription's
//   ladder where it only has ids (packages/queue/src/fan-out.ts);
// - re-scoring an entry when its record is renewed would move it in the listing (it is ordered by acceptance, and the
//   score is the `event_received_at` it shows) and break the cursors of pages already read;
// - checking each trimmed entry's record is a read per entry, in other slots on a cluster: off the matcher's path
//   only if nothing trims there, and then nothing bounds the index of a subscription nobody lists.
// The cost: a trim is one script instead of one ZREMRANGEBYSCORE (the same command count, once per subscription of a
// batch); a first attempt that succeeds writes no hold; a failure writes its hold inside settle's own script (a
// command per subscription of the part on a cluster). An index may keep, besides the held entries, entries of expired
// records scored after the oldest hold (the listing skips them): bounded by that hold's record, never unbounded.

/** Ended holds dropped by one trim at most: a script stays short; the rest go at the next trims. */
const ENDED_PER_TRIM = 500;

// holdIndexEntries: a delivery's hold (ZADD GT: never shorter). keepHoldsUntil: the hold keys live as long as their
// longest hold (NX then GT: a new key has no expiry, which GT alone takes as longer), so that a subscription that
// gets nothing more leaves nothing behind. trimIndex: the trim, from the oldest live hold on at most.
export const INDEX_HOLDS_LUA = `
local function holdIndexEntries(holdsUntil, holdsSince, id, score, untilMs)
  redis.call('ZADD', holdsUntil, 'GT', untilMs, id)
  redis.call('ZADD', holdsSince, score, id)
end
local function keepHoldsUntil(holdsUntil, holdsSince, untilMs)
  for _, key in ipairs({ holdsUntil, holdsSince }) do
    redis.call('PEXPIREAT', key, untilMs, 'NX')
    redis.call('PEXPIREAT', key, untilMs, 'GT')
  end
end
local function trimIndex(index, holdsUntil, holdsSince, cutoff, now)
  local ended = redis.call('ZRANGEBYSCORE', holdsUntil, '-inf', '(' .. now, 'LIMIT', 0, ${ENDED_PER_TRIM})
  if #ended > 0 then
    redis.call('ZREM', holdsUntil, unpack(ended))
    redis.call('ZREM', holdsSince, unpack(ended))
  end
  local oldest = redis.call('ZRANGE', holdsSince, 0, 0, 'WITHSCORES')[2]
  if oldest and tonumber(oldest) <= tonumber(cutoff) then
    redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. oldest)
  else
    redis.call('ZREMRANGEBYSCORE', index, '-inf', cutoff)
  end
end
`;

// KEYS: the holds' until and since keys (the subscription's slot); ARGV: per hold its delivery id, score and until.
const HOLD = `${INDEX_HOLDS_LUA}
local longest = 0
for index = 1, #ARGV, 3 do
  holdIndexEntries(KEYS[1], KEYS[2], ARGV[index], ARGV[index + 1], ARGV[index + 2])
  if tonumber(ARGV[index + 2]) > longest then longest = tonumber(ARGV[index + 2]) end
end
keepHoldsUntil(KEYS[1], KEYS[2], string.format('%.0f', longest))
`;

// KEYS: the index, the holds' until and since keys (one slot: the subscription's); ARGV: the cutoff and now.
const TRIM = `${INDEX_HOLDS_LUA}
trimIndex(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetHoldIndex(holdsUntil: string, holdsSince: string, ...idScoreUntil: Array<string | number>): Result<null, Context>;
    hookfleetTrimIndex(index: string, holdsUntil: string, holdsSince: string, cutoff: number, now: number): Result<null, Context>;
  }
}

export function defineIndexHolds(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'hookfleetTrimIndex')) return;
  redis.defineCommand('hookfleetHoldIndex', { numberOfKeys: 2, lua: HOLD });
  redis.defineCommand('hookfleetTrimIndex', { numberOfKeys: 3, lua: TRIM });
}

/** Entries scored before this are trimmed unless held: their event was accepted longer ago than a record lives. */
export const indexTrimBefore = (ttlSeconds: number, now: number): number => now - ttlSeconds * 1000;

/** A delivery whose record lives until `untilMs`: its index entries (scored `score`) stay that long. */
export interface IndexHold {
  deliveryId: string;
  score: number;
  untilMs: number;
}

/** Queues one subscription's holds as one command. */
export function queueIndexHolds(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, holds: readonly IndexHold[]): void {
  if (holds.length === 0) return;
  pipeline.hookfleetHoldIndex(
    keys.subscriptionIndexHolds(subscriptionId, 'until'),
    keys.subscriptionIndexHolds(subscriptionId, 'since'),
    ...holds.flatMap((hold) => [hold.deliveryId, hold.score, Math.ceil(hold.untilMs)]),
  );
}

/** Queues the trim of one of a subscription's indexes (`index`): entries older than a record TTL, unless held. */
export function queueIndexTrim(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, index: string, ttlSeconds: number, now: number): void {
  pipeline.hookfleetTrimIndex(
    index,
    keys.subscriptionIndexHolds(subscriptionId, 'until'),
    keys.subscriptionIndexHolds(subscriptionId, 'since'),
    indexTrimBefore(ttlSeconds, now),
    now,
  );
}
