import type { ChainableCommander, Result } from 'ioredis';
import { isCluster, type RedisClient } from './redis.js';

// Single Redis: the state of every delivery of a settled part in one script (one command for ioredis to build and
// parse, not one a delivery: the delivery worker's last per-delivery command). Redis runs the same HSET per record.
// KEYS: the records. ARGV: per record its status, attempts and next attempt time ('' when none), then the TTL a
// failed record is renewed to.
const SETTLE_RECORDS = `
local ttl = ARGV[#KEYS * 3 + 1]
for i = 1, #KEYS do
  local a = i * 3
  redis.call('HSET', KEYS[i], 'st', ARGV[a - 2], 'a', ARGV[a - 1], 'n', ARGV[a])
  if ARGV[a - 2] == 'failed' then redis.call('EXPIRE', KEYS[i], ttl) end
end
return #KEYS
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetSettleRecords(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Result<number, Context>;
  }
}

export function defineSettleRecords(redis: RedisClient): void {
  if (!Object.hasOwn(redis, 'hookfleetSettleRecords')) redis.defineCommand('hookfleetSettleRecords', { lua: SETTLE_RECORDS });
}

export interface RecordState {
  key: string;
  status: string;
  attempts: number;
  nextAttemptAt: number | null;
}

/**
 * Queues the records' new states: one script on a single Redis, one HSET a record on a cluster (records spread over
 * slots). A failed record's lifetime is renewed to `recordTtlSeconds`: a subscription's own ladder (up to 7 days in
 * all, a day a step) may outlast the TTL it was created with. Only failures pay for it.
 */
export function queueRecordStates(redis: RedisClient, pipeline: ChainableCommander, records: readonly RecordState[], recordTtlSeconds: number): void {
  if (records.length === 0) return;
  if (isCluster(redis)) {
    for (const record of records) {
      pipeline.hset(record.key, 'st', record.status, 'a', record.attempts, 'n', record.nextAttemptAt ?? '');
      if (record.status === 'failed') pipeline.expire(record.key, recordTtlSeconds);
    }
    return;
  }
  const keysAndArgs: Array<string | number> = new Array(records.length * 4 + 1);
  const argsAt = records.length;
  records.forEach((record, index) => {
    keysAndArgs[index] = record.key;
    keysAndArgs[argsAt + index * 3] = record.status;
    keysAndArgs[argsAt + index * 3 + 1] = record.attempts;
    keysAndArgs[argsAt + index * 3 + 2] = record.nextAttemptAt ?? '';
  });
  keysAndArgs[argsAt + records.length * 3] = recordTtlSeconds;
  pipeline.hookfleetSettleRecords(argsAt, ...keysAndArgs);
}
