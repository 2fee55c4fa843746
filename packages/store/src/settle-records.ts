import type { ChainableCommander, Result } from 'ioredis';
import type { DeliveryStatus } from '@hookfleet/core';
import { LIST_FOR_LUA } from './create-deliveries.js';
import { keyAffixes, type Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';
import { queueStatusIndex, touchesStatusIndex, type StatusIndexChange } from './status-index.js';
import { defineIndexHolds, INDEX_HOLDS_LUA, indexTrimBefore, queueIndexHolds, queueIndexTrim, type IndexHold } from './index-holds.js';

// Single Redis: the state of every delivery of a settled part in one script (one command for ioredis to build and
// parse, not one a delivery: the delivery worker's last per-delivery command), and with it the changes to the
// subscription's failed and dead indexes that a failure, a death or a retried delivery's success makes: the writes of
// queueStatusIndex (status-index.ts), which would be one to three commands each, and a failure's index hold
// (index-holds.ts: its record, renewed for a TTL, outlives its entries' trim). Redis runs the same commands.
// The states come packed in one argument, and the script makes the records' keys from their ids (as the matcher's
// does: create-deliveries.ts). ARGV[1] the TTL a failed record is renewed to, ARGV[2] and ARGV[3] the record key's
// affixes (keyAffixes), ARGV[4] per record its delivery id, status and attempts, separated by spaces, then its next
// attempt time (nothing when none) and a semicolon. ARGV[5] to ARGV[8] the affixes of the failed and the dead index,
// ARGV[9] the score below which dead and failed entries are trimmed, ARGV[10] per index change its delivery id, status,
// subscription id and score, separated by spaces, and a semicolon (only the records whose change touches an index).
// ARGV[11] to ARGV[14] the affixes of the holds' until and since keys, ARGV[15] now, ARGV[16] until when a failed
// record lives (now + the TTL, in ms). ARGV[17] per record that does not exist yet (a batch member handed over at
// acceptance: RecordState.created) its delivery id, status, attempts, event id, subscription id and its event's
// received time (its index score, as the matcher's creation gives the others: not the settle's, which is after the
// receiver answered), separated by spaces, then its next attempt time and a semicolon: written whole, with its TTL
// and its entry in the subscription's delivery index (ARGV[18] and ARGV[19] that index's affixes).
const SETTLE_RECORDS = `${INDEX_HOLDS_LUA}${LIST_FOR_LUA}
local ttl, before, after = ARGV[1], ARGV[2], ARGV[3]
local count = 0
for id, status, attempts, next in string.gmatch(ARGV[4], '(%S+) (%S+) (%S+) ([^;]*);') do
  local key = before .. id .. after
  redis.call('HSET', key, 'st', status, 'a', attempts, 'n', next)
  if status == 'failed' then redis.call('EXPIRE', key, ttl) end
  count = count + 1
end
local indexed, indexes = {}, {}
for id, status, attempts, eventId, subscriptionId, score, next in string.gmatch(ARGV[17], '(%S+) (%S+) (%S+) (%S+) (%S+) (%S+) ([^;]*);') do
  local key = before .. id .. after
  redis.call('HSET', key, 'e', eventId, 's', subscriptionId, 'st', status, 'a', attempts, 'n', next)
  redis.call('EXPIRE', key, ttl)
  local scored = listFor(indexed, indexes, ARGV[18] .. subscriptionId .. ARGV[19])
  scored[#scored + 1] = score
  scored[#scored + 1] = id
  count = count + 1
end
for _, index in ipairs(indexes) do redis.call('ZADD', index, 'NX', unpack(indexed[index])) end
local trimmed, held = {}, {}
for id, status, subscriptionId, score in string.gmatch(ARGV[10], '(%S+) (%S+) (%S+) (%S+);') do
  local failed = ARGV[5] .. subscriptionId .. ARGV[6]
  local dead = ARGV[7] .. subscriptionId .. ARGV[8]
  if status == 'failed' then
    redis.call('ZADD', failed, 'NX', score, id)
    holdIndexEntries(ARGV[11] .. subscriptionId .. ARGV[12], ARGV[13] .. subscriptionId .. ARGV[14], id, score, ARGV[16])
    held[subscriptionId] = true
  elseif status == 'dead' then
    redis.call('ZREM', failed, id)
    redis.call('ZADD', dead, score, id)
    trimmed[subscriptionId] = true
  else
    redis.call('ZREM', failed, id)
    redis.call('ZREM', dead, id)
  end
end
for subscriptionId in pairs(held) do
  keepHoldsUntil(ARGV[11] .. subscriptionId .. ARGV[12], ARGV[13] .. subscriptionId .. ARGV[14], ARGV[16])
  trimIndex(ARGV[5] .. subscriptionId .. ARGV[6], ARGV[11] .. subscriptionId .. ARGV[12], ARGV[13] .. subscriptionId .. ARGV[14], ARGV[9], ARGV[15])
end
for subscriptionId in pairs(trimmed) do
  trimIndex(ARGV[7] .. subscriptionId .. ARGV[8], ARGV[11] .. subscriptionId .. ARGV[12], ARGV[13] .. subscriptionId .. ARGV[14], ARGV[9], ARGV[15])
end
return count
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetSettleRecords(
      recordTtlSeconds: number,
      recordBefore: string,
      recordAfter: string,
      packedStates: string,
      failedBefore: string,
      failedAfter: string,
      deadBefore: string,
      deadAfter: string,
      deadTrimBefore: number,
      packedIndexChanges: string,
      holdsUntilBefore: string,
      holdsUntilAfter: string,
      holdsSinceBefore: string,
      holdsSinceAfter: string,
      now: number,
      failedRecordUntil: number,
      packedCreated: string,
      indexBefore: string,
      indexAfter: string,
    ): Result<number, Context>;
  }
}

export function defineSettleRecords(redis: RedisClient): void {
  defineIndexHolds(redis);
  if (!Object.hasOwn(redis, 'hookfleetSettleRecords')) redis.defineCommand('hookfleetSettleRecords', { numberOfKeys: 0, lua: SETTLE_RECORDS });
}

export interface RecordState {
  deliveryId: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  /** When the delivery's event was accepted: the status indexes' score. */
  eventReceivedAt: number;
  /**
   * Set when the delivery has no record yet (a batch member the API handed over at acceptance: its batch job's first
   * run sends it before any record exists): the settle writes the record whole — its event and subscription, its TTL
   * and its entry in the subscription's delivery index — which the matcher's creation writes for every other delivery.
   */
  created?: { eventId: string } | undefined;
}

/** A delivery past its first attempt may be in a status index (an earlier attempt failed). */
const mayBeIndexed = (record: RecordState): boolean => record.attempts > 1;

/** A settled record's change to the status indexes. */
const indexChangeOf = (record: RecordState): StatusIndexChange => ({
  subscriptionId: record.subscriptionId,
  deliveryId: record.deliveryId,
  status: record.status,
  score: record.eventReceivedAt,
  mayBeIndexed: mayBeIndexed(record),
});

/**
 * Queues the records' new states and their status indexes' changes: one script on a single Redis, one HSET a record
 * and queueStatusIndex's commands on a cluster (records and indexes spread over slots). A failed record's lifetime is
 * renewed to `recordTtlSeconds`: a subscription's own ladder (up to 7 days in all, a day a step) may outlast the TTL
 * it was created with; its index entries are held as long (index-holds.ts), on a cluster by one command per
 * subscription of the part. The failed index is trimmed beside, as the dead one is when a delivery dies: an entry
 * leaves it when its delivery moves on, but one whose retry never came (its job lost with a Redis that restarted
 * empty of it) stayed for good once its record had expired. Only failures pay for it.
 */
export function queueRecordStates(
  redis: RedisClient,
  pipeline: ChainableCommander,
  keys: Keys,
  records: readonly RecordState[],
  recordTtlSeconds: number,
  now = Date.now(),
): void {
  if (records.length === 0) return;
  const failedRecordUntil = now + recordTtlSeconds * 1000;
  if (isCluster(redis)) {
    const holds = new Map<string, IndexHold[]>();
    const created = new Map<string, Array<number | string>>();
    for (const record of records) {
      const key = keys.delivery(record.deliveryId);
      if (record.created) {
        pipeline.hset(key, 'e', record.created.eventId, 's', record.subscriptionId, 'st', record.status, 'a', record.attempts, 'n', record.nextAttemptAt ?? '');
        pipeline.expire(key, recordTtlSeconds);
        let scored = created.get(record.subscriptionId);
        if (!scored) created.set(record.subscriptionId, (scored = []));
        scored.push(record.eventReceivedAt, record.deliveryId);
      } else pipeline.hset(key, 'st', record.status, 'a', record.attempts, 'n', record.nextAttemptAt ?? '');
      if (record.status === 'failed') {
        if (!record.created) pipeline.expire(key, recordTtlSeconds);
        let held = holds.get(record.subscriptionId);
        if (!held) holds.set(record.subscriptionId, (held = []));
        held.push({ deliveryId: record.deliveryId, score: record.eventReceivedAt, untilMs: failedRecordUntil });
      }
      queueStatusIndex(pipeline, keys, recordTtlSeconds, indexChangeOf(record), now);
    }
    for (const [subscriptionId, held] of holds) {
      queueIndexHolds(pipeline, keys, subscriptionId, held);
      queueIndexTrim(pipeline, keys, subscriptionId, keys.subscriptionDeliveriesByStatus(subscriptionId, 'failed'), recordTtlSeconds, now);
    }
    for (const [subscriptionId, scored] of created) queueCreatedIndex(pipeline, keys, subscriptionId, scored, recordTtlSeconds, now);
    return;
  }
  let packedStates = '';
  let packedCreated = '';
  let packedIndexChanges = '';
  const createdFor = new Set<string>();
  for (const record of records) {
    if (record.created) {
      packedCreated += `${record.deliveryId} ${record.status} ${record.attempts} ${record.created.eventId} ${record.subscriptionId} ${record.eventReceivedAt} ${record.nextAttemptAt ?? ''};`;
      createdFor.add(record.subscriptionId);
    } else packedStates += `${record.deliveryId} ${record.status} ${record.attempts} ${record.nextAttemptAt ?? ''};`;
    // Read off the record, not an indexChangeOf object: most records of a part are first attempts that touch nothing.
    if (touchesStatusIndex(record.status, mayBeIndexed(record))) {
      packedIndexChanges += `${record.deliveryId} ${record.status} ${record.subscriptionId} ${record.eventReceivedAt};`;
    }
  }
  pipeline.hookfleetSettleRecords(
    recordTtlSeconds,
    ...keyAffixes((id) => keys.delivery(id)),
    packedStates,
    ...keyAffixes((id) => keys.subscriptionDeliveriesByStatus(id, 'failed')),
    ...keyAffixes((id) => keys.subscriptionDeliveriesByStatus(id, 'dead')),
    indexTrimBefore(recordTtlSeconds, now),
    packedIndexChanges,
    ...keyAffixes((id) => keys.subscriptionIndexHolds(id, 'until')),
    ...keyAffixes((id) => keys.subscriptionIndexHolds(id, 'since')),
    now,
    failedRecordUntil,
    packedCreated,
    ...keyAffixes((id) => keys.subscriptionDeliveries(id)),
  );
  for (const subscriptionId of createdFor) queueIndexTrim(pipeline, keys, subscriptionId, keys.subscriptionDeliveries(subscriptionId), recordTtlSeconds, now);
}

/** Cluster: the delivery index entries of records written whole by this settle, and its trim (as creation writes them). */
function queueCreatedIndex(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, scored: Array<number | string>, recordTtlSeconds: number, now: number): void {
  const index = keys.subscriptionDeliveries(subscriptionId);
  pipeline.zadd(index, 'NX', ...scored);
  queueIndexTrim(pipeline, keys, subscriptionId, index, recordTtlSeconds, now);
}
