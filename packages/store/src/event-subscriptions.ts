import type { Result } from 'ioredis';
import type { RedisClient } from './redis.js';
import { handedOverIdsOfPayload, subscriptionIdsOfPayload } from './payload-value.js';

/**
 * The subscriptions an event was matched or handed over to, appended to its payload's value (payload-value.ts), and
 * only while there is a payload: what is read of them is only read while the event is. `appendEventSubscriptions`
 * adds a line blind (the matcher's, for records it has just created, which no earlier line can hold);
 * `addEventSubscriptions` reads the value first and adds only ids it lacks, a handed-over line's counting as there
 * (replay, recover and a cluster's re-run), so replaying an event again and again does not grow it. The Lua
 * functions are shared by the scripts that write them.
 */
export const ADD_EVENT_SUBSCRIPTIONS_LUA = `
-- SET KEEPTTL of the whole value, not APPEND: APPEND leaves a string room to grow by its own length again, which a
-- payload never uses (220 bytes an event more at 300-byte payloads: bench/README.md, the twenty-second round).
local function appendToPayload(payloadKey, stored, ids)
  if #ids > 0 then redis.call('SET', payloadKey, stored .. '\\n' .. table.concat(ids, ' '), 'KEEPTTL') end
end
local function appendEventSubscriptions(payloadKey, ids)
  local stored = #ids > 0 and redis.call('GET', payloadKey)
  if stored then appendToPayload(payloadKey, stored, ids) end
end
local function addEventSubscriptions(payloadKey, ids)
  local stored = redis.call('GET', payloadKey)
  if not stored then return end
  local at = string.find(stored, '\\n', 1, true)
  -- A handed-over line's ids (payload-value.ts) are known too: its '+' goes with the line breaks.
  local known = ' ' .. (at and string.gsub(string.sub(stored, at + 1), '[\\n+]', ' ') or '') .. ' '
  local extra = {}
  for _, id in ipairs(ids) do
    if not string.find(known, ' ' .. id .. ' ', 1, true) then
      extra[#extra + 1] = id
      known = known .. id .. ' '
    end
  end
  appendToPayload(payloadKey, stored, extra)
end
`;

// KEYS[1]: the event's payload key; ARGV: the subscription ids.
const ADD_ONE_EVENT = `${ADD_EVENT_SUBSCRIPTIONS_LUA}
addEventSubscriptions(KEYS[1], ARGV)
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetAddEventSubscriptions(payloadKey: string, ...subscriptionIds: string[]): Result<number, Context>;
  }
}

export function defineEventSubscriptions(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'hookfleetAddEventSubscriptions')) return;
  redis.defineCommand('hookfleetAddEventSubscriptions', { numberOfKeys: 1, lua: ADD_ONE_EVENT });
}

/**
 * An event's subscriptions, each once: those at the end of its payload's value (payload-value.ts), then those earlier
 * versions kept in keys of their own — a string of space-separated ids, and before it a set.
 */
export function eventSubscriptionIds(payload: string | null | undefined, earlier: string | null | undefined, earliest: readonly string[] = []): string[] {
  return [...new Set([...subscriptionIdsOfPayload(payload), ...(earlier ? earlier.split(' ') : []), ...earliest])];
}

/** One of an event's subscriptions, and whether the event was handed over to it at acceptance (payload-value.ts). */
export interface EventSubscription {
  subscriptionId: string;
  /** Its delivery record may not exist yet: without one the delivery is pending, not ended. */
  handedOver: boolean;
}

/** An event's subscriptions (eventSubscriptionIds), each with whether the event was handed over to it. */
export function eventSubscriptions(
  payload: string | null | undefined,
  earlier: string | null | undefined,
  earliest: readonly string[] = [],
): EventSubscription[] {
  const handedOver = new Set(handedOverIdsOfPayload(payload));
  return eventSubscriptionIds(payload, earlier, earliest).map((subscriptionId) => ({ subscriptionId, handedOver: handedOver.has(subscriptionId) }));
}
