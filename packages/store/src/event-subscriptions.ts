import type { Result } from 'ioredis';
import type { RedisClient } from './redis.js';

/**
 * The subscriptions an event was matched to (Keys.eventSubscriptions): their ids in one string, separated by spaces,
 * written with its TTL by one SET NX (a new event, the matcher's case) or appended to (a re-run, a replay), each id
 * once. One command where a set took two (SADD, EXPIRE), and 27 bytes a member where a set of more than 128 took 64
 * (fan-out 1,000: bench/README.md). The Lua function is shared by the scripts that write it.
 */
export const ADD_EVENT_SUBSCRIPTIONS_LUA = `
local function addEventSubscriptions(key, ids, ttl)
  if redis.call('SET', key, table.concat(ids, ' '), 'NX', 'EX', ttl) then return end
  local known = ' ' .. (redis.call('GET', key) or '') .. ' '
  local extra = {}
  for _, id in ipairs(ids) do
    if not string.find(known, ' ' .. id .. ' ', 1, true) then
      extra[#extra + 1] = id
      known = known .. id .. ' '
    end
  end
  if #extra > 0 then redis.call('APPEND', key, ' ' .. table.concat(extra, ' ')) end
end
`;

// KEYS[1]: the event's key; ARGV[1] its TTL, then the subscription ids.
const ADD_ONE_EVENT = `${ADD_EVENT_SUBSCRIPTIONS_LUA}
local ids = {}
for i = 2, #ARGV do ids[i - 1] = ARGV[i] end
addEventSubscriptions(KEYS[1], ids, ARGV[1])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetAddEventSubscriptions(key: string, ttlSeconds: number, ...subscriptionIds: string[]): Result<number, Context>;
  }
}

export function defineEventSubscriptions(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'hookfleetAddEventSubscriptions')) return;
  redis.defineCommand('hookfleetAddEventSubscriptions', { numberOfKeys: 1, lua: ADD_ONE_EVENT });
}

/** The ids in a stored value (null: none). */
export function subscriptionIdsOf(stored: string | null | undefined): string[] {
  return stored ? stored.split(' ') : [];
}
