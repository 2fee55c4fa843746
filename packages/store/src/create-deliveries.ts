import type { Result } from 'ioredis';
import type { DeliveryStatus } from '@hookfleet/core';
import { batch } from './batch.js';
import { ADD_EVENT_SUBSCRIPTIONS_LUA, defineEventSubscriptions } from './event-subscriptions.js';
import { defineIndexHolds, queueIndexTrim } from './index-holds.js';
import { keyAffixes, type Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';

export type CreateOutcome = 'created' | 'pending' | 'exists';

export interface NewDelivery {
  id: string;
  eventId: string;
  subscriptionId: string;
}

export interface CreateOptions {
  /**
   * The events' payloads already name these deliveries' subscriptions (handed over at acceptance: payload-value.ts),
   * so the line is not appended again: that rewrites the whole payload.
   */
  eventLineWritten?: boolean;
}

// A delivery record is created once: a matcher that runs twice finds it and adds nothing. A new record is only its
// event and subscription ids ('e', 's'): a record without a status ('st') is pending with 0 attempts (the first
// settle writes both), so creating one is one HSET whose reply — fields added — says whether it was new; only a
// record that existed is read (2 when it was never attempted, 0 when it has moved on). The record holds no creation
// time: the subscription's index already scores it by that time; the index is written beside the records (below).
const CREATE_ONE = `
local function create(record, subscriptionId, ttl, eventId)
  if redis.call('HSET', record, 'e', eventId, 's', subscriptionId) == 0 then
    local status = redis.call('HGET', record, 'st')
    if status == false or status == 'pending' then return 2 end
    return 0
  end
  redis.call('EXPIRE', record, ttl)
  return 1
end
`;

/**
 * Lua: `listFor(lists, order, key)`, the list kept under key in lists, made (and key appended to order) the first
 * time: how a script gathers one command's arguments per key (a subscription's index entries) in first-seen order.
 */
export const LIST_FOR_LUA = `
local function listFor(lists, order, key)
  local list = lists[key]
  if not list then
    list = {}
    lists[key] = list
    order[#order + 1] = key
  end
  return list
end
`;

// Single Redis: a whole chunk of the matcher's deliveries in one script (one command for ioredis to build and parse,
// not one per delivery), each subscription's index written by one ZADD for the chunk's new records (a call per record
// was a quarter of the script's calls: bench/README.md, nineteenth round; a chunk's SCRIPT_CHUNK deliveries make at
// most 1,000 ZADD arguments, well within the 8,000 that Lua's unpack may push), and each event's new records'
// subscriptions appended to its payload once for the chunk (event-subscriptions.ts). The deliveries come packed in one
// argument and the script builds their keys from the ids and the keys' affixes (Keys, keyAffixes): six arguments a
// delivery cost the matcher more to build and encode than Redis spends on the writes (bench/README.md). A single
// Redis holds every key, so keys the script does not declare are still its own. ARGV[1] the record TTL, ARGV[2] the
// creation time, ARGV[3..8] the affixes of the record, the subscription's index and the event's payload, ARGV[9] per
// delivery its event, subscription and delivery ids, each followed by a space; ARGV[10] '1' when the payloads already
// name the subscriptions (CreateOptions.eventLineWritten).
const CREATE_MANY = `${CREATE_ONE}${ADD_EVENT_SUBSCRIPTIONS_LUA}${LIST_FOR_LUA}
local ttl, now = ARGV[1], ARGV[2]
local created, events, byEvent = {}, {}, {}
local indexes, scoredByIndex = {}, {}
for eventId, subscriptionId, deliveryId in string.gmatch(ARGV[9], '(%S+) (%S+) (%S+) ') do
  local outcome = create(ARGV[3] .. deliveryId .. ARGV[4], subscriptionId, ttl, eventId)
  created[#created + 1] = outcome
  if outcome == 1 then
    local scored = listFor(scoredByIndex, indexes, ARGV[5] .. subscriptionId .. ARGV[6])
    scored[#scored + 1] = now
    scored[#scored + 1] = deliveryId
    if ARGV[10] ~= '1' then
      local ids = listFor(byEvent, events, ARGV[7] .. eventId .. ARGV[8])
      ids[#ids + 1] = subscriptionId
    end
  end
end
for _, index in ipairs(indexes) do redis.call('ZADD', index, unpack(scoredByIndex[index])) end
for _, payloadKey in ipairs(events) do appendEventSubscriptions(payloadKey, byEvent[payloadKey]) end
return created
`;

// Cluster: one delivery's record in its own slot; its indexes (other slots) are written beside the script.
const CREATE_IN_SLOT = `${CREATE_ONE}
return create(KEYS[1], ARGV[2], ARGV[3], ARGV[1])
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetCreateDeliveries(
      ttlSeconds: number,
      createdMs: number,
      recordBefore: string,
      recordAfter: string,
      indexBefore: string,
      indexAfter: string,
      eventBefore: string,
      eventAfter: string,
      packed: string,
      eventLineWritten: '0' | '1',
    ): Result<number[], Context>;
    hookfleetCreateDelivery(deliveryKey: string, eventId: string, subscriptionId: string, ttlSeconds: number): Result<number, Context>;
  }
}

export function defineCreateDelivery(redis: RedisClient): void {
  defineEventSubscriptions(redis);
  defineIndexHolds(redis);
  if (Object.hasOwn(redis, 'hookfleetCreateDelivery')) return;
  redis.defineCommand('hookfleetCreateDeliveries', { numberOfKeys: 0, lua: CREATE_MANY });
  redis.defineCommand('hookfleetCreateDelivery', { numberOfKeys: 1, lua: CREATE_IN_SLOT });
}

/**
 * Deliveries per script on a single Redis: a script runs alone, so a chunk of the matcher's keeps Redis for a few ms at
 * most; and one subscription's index entries of a chunk fit one ZADD (CREATE_MANY).
 */
const SCRIPT_CHUNK = 500;

/**
 * A record's status: its 'st' field, or pending when the record exists without one (the matcher creates a record as
 * its event and subscription only: create-deliveries.ts); null when there is no record.
 */
export function statusOfRecord(stored: string | null | undefined, eventId: string | null | undefined): DeliveryStatus | null {
  if (stored) return stored as DeliveryStatus;
  return eventId ? 'pending' : null;
}

/** The positions of `deliveries` grouped by event, events in the order they first appear. */
export function positionsByEvent(deliveries: readonly NewDelivery[]): number[] {
  const positions = new Map<string, number[]>();
  deliveries.forEach(({ eventId }, index) => {
    const known = positions.get(eventId);
    if (known) known.push(index);
    else positions.set(eventId, [index]);
  });
  return [...positions.values()].flat();
}

const outcomeOf = (value: unknown): CreateOutcome => (value === 1 ? 'created' : value === 2 ? 'pending' : 'exists');

/**
 * Creates the records that do not exist yet, in one round trip; returns, per delivery, what it found.
 * The matcher's hot path: on a single Redis one script per SCRIPT_CHUNK deliveries writes the records and their
 * indexes; on a cluster a script a delivery writes its record in its own slot and the indexes are added beside it,
 * once per subscription and once per event, only where absent (ZADD NX, each id once), so a re-run changes nothing
 * there either. The subscription index's trim is written once per subscription of the batch, not once per delivery:
 * one command, which keeps the entries of records that outlive it (index-holds.ts).
 */
export async function createDeliveries(
  redis: RedisClient,
  keys: Keys,
  ttlSeconds: number,
  deliveries: readonly NewDelivery[],
  now: number,
  options: CreateOptions = {},
): Promise<CreateOutcome[]> {
  if (deliveries.length === 0) return [];
  if (!isCluster(redis)) {
    const pipeline = redis.pipeline();
    const subscriptionIds = new Set<string>();
    const affixes = [
      ...keyAffixes((id) => keys.delivery(id)),
      ...keyAffixes((id) => keys.subscriptionDeliveries(id)),
      ...keyAffixes((id) => keys.event(id)),
    ] as const;
    let scripts = 0;
    for (let start = 0; start < deliveries.length; start += SCRIPT_CHUNK) {
      let packed = '';
      for (let index = start; index < Math.min(start + SCRIPT_CHUNK, deliveries.length); index += 1) {
        const { id, eventId, subscriptionId } = deliveries[index] as NewDelivery;
        packed += `${eventId} ${subscriptionId} ${id} `;
        subscriptionIds.add(subscriptionId);
      }
      pipeline.hookfleetCreateDeliveries(ttlSeconds, now, ...affixes, packed, options.eventLineWritten ? '1' : '0');
      scripts += 1;
    }
    for (const subscriptionId of subscriptionIds) queueIndexTrim(pipeline, keys, subscriptionId, keys.subscriptionDeliveries(subscriptionId), ttlSeconds, now);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    return results.slice(0, scripts).flatMap(([, value]) => (value as number[]).map(outcomeOf));
  }
  const pipeline = batch(redis);
  const bySubscription = new Map<string, Array<number | string>>();
  const byEvent = new Map<string, string[]>();
  for (const { id, eventId, subscriptionId } of deliveries) {
    pipeline.hookfleetCreateDelivery(keys.delivery(id), eventId, subscriptionId, ttlSeconds);
    let scored = bySubscription.get(subscriptionId);
    if (!scored) bySubscription.set(subscriptionId, (scored = []));
    scored.push(now, id);
    let subscriptionIds = byEvent.get(eventId);
    if (!subscriptionIds) byEvent.set(eventId, (subscriptionIds = []));
    subscriptionIds.push(subscriptionId);
  }
  for (const [subscriptionId, scored] of bySubscription) {
    const index = keys.subscriptionDeliveries(subscriptionId);
    pipeline.zadd(index, 'NX', ...scored);
    queueIndexTrim(pipeline, keys, subscriptionId, index, ttlSeconds, now);
  }
  if (!options.eventLineWritten) for (const [eventId, subscriptionIds] of byEvent) pipeline.hookfleetAddEventSubscriptions(keys.event(eventId), ...subscriptionIds);
  const results = (await pipeline.exec()) ?? [];
  for (const [error] of results) if (error) throw error;
  return results.slice(0, deliveries.length).map(([, value]) => outcomeOf(value));
}
