import type { ChainableCommander, Result } from 'ioredis';
import type { DeliveryStatus } from '@hookfleet/core';
import { keyAffixes, type Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';
import { deadIndexTrimBefore, queueStatusIndex, touchesStatusIndex, type StatusIndexChange } from './status-index.js';

// Single Redis: the state of every delivery of a settled part in one script (one command for ioredis to build and
// parse, not one a delivery: the delivery worker's last per-delivery command), and with it the changes to the
// subscription's failed and dead indexes that a failure, a death or a retried delivery's success makes: the writes of
// queueStatusIndex (status-index.ts), which would be one to three commands each. Redis runs the same commands.
// The states come packed in one argument, and the script makes the records' keys from their ids (as the matcher's
// does: create-deliveries.ts). ARGV[1] the TTL a failed record is renewed to, ARGV[2] and ARGV[3] the record key's
// affixes (keyAffixes), ARGV[4] per record its delivery id, status and attempts, separated by spaces, then its next
// attempt time (nothing when none) and a semicolon. ARGV[5] to ARGV[8] the affixes of the failed and the dead index,
// ARGV[9] the score below which dead entries are trimmed, ARGV[10] per index change its delivery id, status,
// subscription id and score, separated by spaces, and a semicolon (only the records whose change touches an index).
const SETTLE_RECORDS = `
local ttl, before, after = ARGV[1], ARGV[2], ARGV[3]
local count = 0
for id, status, attempts, next in string.gmatch(ARGV[4], '(%S+) (%S+) (%S+) ([^;]*);') do
  local key = before .. id .. after
  redis.call('HSET', key, 'st', status, 'a', attempts, 'n', next)
  if status == 'failed' then redis.call('EXPIRE', key, ttl) end
  count = count + 1
end
local trimmed = {}
for id, status, subscriptionId, score in string.gmatch(ARGV[10], '(%S+) (%S+) (%S+) (%S+);') do
  local failed = ARGV[5] .. subscriptionId .. ARGV[6]
  local dead = ARGV[7] .. subscriptionId .. ARGV[8]
  if status == 'failed' then
    redis.call('ZADD', failed, 'NX', score, id)
  elseif status == 'dead' then
    redis.call('ZREM', failed, id)
    redis.call('ZADD', dead, score, id)
    trimmed[dead] = true
  else
    redis.call('ZREM', failed, id)
    redis.call('ZREM', dead, id)
  end
end
for dead in pairs(trimmed) do redis.call('ZREMRANGEBYSCORE', dead, '-inf', ARGV[9]) end
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
    ): Result<number, Context>;
  }
}

export function defineSettleRecords(redis: RedisClient): void {
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
 * it was created with. Only failures pay for it.
 */
export function queueRecordStates(
  redis: RedisClient,
  pipeline: ChainableCommander,
  keys: Keys,
  records: readonly RecordState[],
  recordTtlSeconds: number,
): void {
  if (records.length === 0) return;
  if (isCluster(redis)) {
    for (const record of records) {
      const key = keys.delivery(record.deliveryId);
      pipeline.hset(key, 'st', record.status, 'a', record.attempts, 'n', record.nextAttemptAt ?? '');
      if (record.status === 'failed') pipeline.expire(key, recordTtlSeconds);
      queueStatusIndex(pipeline, keys, recordTtlSeconds, indexChangeOf(record));
    }
    return;
  }
  let packedStates = '';
  let packedIndexChanges = '';
  for (const record of records) {
    packedStates += `${record.deliveryId} ${record.status} ${record.attempts} ${record.nextAttemptAt ?? ''};`;
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
    deadIndexTrimBefore(recordTtlSeconds),
    packedIndexChanges,
  );
}
