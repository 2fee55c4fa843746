import type { ChainableCommander, Result } from 'ioredis';
import { keyAffixes, type Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';

// Single Redis: the state of every delivery of a settled part in one script (one command for ioredis to build and
// parse, not one a delivery: the delivery worker's last per-delivery command). Redis runs the same HSET per record.
// The states come packed in one argument, and the script makes the records' keys from their ids (as the matcher's
// does: create-deliveries.ts). ARGV[1] the TTL a failed record is renewed to, ARGV[2] and ARGV[3] the record key's
// affixes (keyAffixes), ARGV[4] per record its delivery id, status and attempts, separated by spaces, then its next
// attempt time (nothing when none) and a semicolon.
const SETTLE_RECORDS = `
local ttl, before, after = ARGV[1], ARGV[2], ARGV[3]
local count = 0
for id, status, attempts, next in string.gmatch(ARGV[4], '(%S+) (%S+) (%S+) ([^;]*);') do
  local key = before .. id .. after
  redis.call('HSET', key, 'st', status, 'a', attempts, 'n', next)
  if status == 'failed' then redis.call('EXPIRE', key, ttl) end
  count = count + 1
end
return count
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetSettleRecords(recordTtlSeconds: number, recordBefore: string, recordAfter: string, packed: string): Result<number, Context>;
  }
}

export function defineSettleRecords(redis: RedisClient): void {
  if (!Object.hasOwn(redis, 'hookfleetSettleRecords')) redis.defineCommand('hookfleetSettleRecords', { numberOfKeys: 0, lua: SETTLE_RECORDS });
}

export interface RecordState {
  deliveryId: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
}

/**
 * Queues the records' new states: one script on a single Redis, one HSET a record on a cluster (records spread over
 * slots). A failed record's lifetime is renewed to `recordTtlSeconds`: a subscription's own ladder (up to 7 days in
 * all, a day a step) may outlast the TTL it was created with. Only failures pay for it.
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
    }
    return;
  }
  let packed = '';
  for (const record of records) packed += `${record.deliveryId} ${record.status} ${record.attempts} ${record.nextAttemptAt ?? ''};`;
  pipeline.hookfleetSettleRecords(recordTtlSeconds, ...keyAffixes((id) => keys.delivery(id)), packed);
}
