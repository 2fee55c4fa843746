import type { Result } from 'ioredis';
import { PAYLOAD_VALUE_LUA } from './payload-value.js';
import type { RedisClient } from './redis.js';

// The dedupe marker of an event id says whether a producer sending it again is answered "duplicate". On a single
// Redis it holds the id of the ingest flush that stored the event, and the flush is confirmed once its matcher job
// is enqueued (one key a flush, `confirmedFlush`): an event whose flush is confirmed is a duplicate; one whose flush
// never was (the API died in between) is stored and enqueued again (the matcher is idempotent). Where the payload is
// kept at least as long as the dedupe window, the payload carries the marker at the start of its value
// (payload-value.ts) and one `SET NX GET` of the payload does both; elsewhere a marker key of its own is set beside it.
// A whole flush is one script. The events come packed in one argument, and the script makes their keys from the ids
// and the keys' affixes (keyAffixes), as the matcher's does (create-deliveries.ts): four arguments an event cost the
// API more to build and encode than the packing does (bench/README.md). ARGV[1] this flush's id, ARGV[2] the dedupe
// TTL, ARGV[3] the confirmed flushes' key prefix, ARGV[4..7] the affixes of the marker and of the payload, ARGV[8]
// per event its id, its payload's TTL, its payload's length in bytes and `p` (the payload carries its marker) or `m`
// (a marker key of its own), each followed by a space, then the payload: the script cuts it out by its length, with
// no scan of its text and nothing it may hold to escape. The payload is the value to store whole: where the event was
// handed over at acceptance (packages/queue/src/hand-over.ts), its `\n+<subscription ids>` line follows the JSON
// within that length (EventStore.accept writes it), so the handed-over ids cost no argument and no work here; a payload
// stored again keeps the earlier value's lines after it (its own `+` line among them).
const ACCEPT_EVENTS = `${PAYLOAD_VALUE_LUA}
local flush, dedupeTtl, confirmed = ARGV[1], ARGV[2], ARGV[3]
local packed, at = ARGV[8], 1
local accepted = {}
-- Whether the flush a marker names had its matcher job enqueued ("0" and "1": a cluster's, or an earlier version's).
local function enqueued(seen)
  return seen and (seen == '1' or (seen ~= '0' and redis.call('EXISTS', confirmed .. seen) == 1))
end
while at <= #packed do
  local id, ttl, length, kind, payloadAt = string.match(packed, '^(%S+) (%d+) (%d+) (%a) ()', at)
  local i = #accepted + 1
  at = payloadAt + length
  local payloadKey, payload = ARGV[6] .. id .. ARGV[7], string.sub(packed, payloadAt, at - 1)
  local marker = ARGV[4] .. id .. ARGV[5]
  -- Stored again (its flush never confirmed), a payload keeps the subscriptions its deliveries were created for.
  if kind == 'p' then
    -- A payload stored by an earlier version carries no marker: its marker key says.
    local stored = redis.call('SET', payloadKey, payload, 'NX', 'GET', 'EX', ttl)
    if stored and enqueued(markerOfPayload(stored) or redis.call('GET', marker)) then
      accepted[i] = 0
    else
      if stored then redis.call('SET', payloadKey, payload .. subscriptionsOfPayload(stored), 'EX', ttl) end
      accepted[i] = 1
    end
  else
    local seen = redis.call('SET', marker, flush, 'NX', 'GET', 'EX', dedupeTtl)
    if enqueued(seen) then
      accepted[i] = 0
    else
      if seen then
        redis.call('SET', marker, flush, 'EX', dedupeTtl)
        payload = payload .. subscriptionsOfPayload(redis.call('GET', payloadKey))
      end
      redis.call('SET', payloadKey, payload, 'EX', ttl)
      accepted[i] = 1
    end
  end
end
return accepted
`;

// Redis Cluster, where one script reaches one slot: a script an event. Marker "0": stored but not yet confirmed
// enqueued, so a producer retrying after a crash re-enqueues; "1": enqueued (confirmEnqueued sets it per event), in
// the payload's value (ARGV[4] `p`, the value given starting "0 ") or in a marker key of its own. ARGV[3] ends with
// the event's `+` line where it was handed over at acceptance, as in ACCEPT_EVENTS.
// KEYS: the event's own (one slot); the tenant's index is another slot, written beside it (ZADD NX: once).
const ACCEPT_EVENT = `${PAYLOAD_VALUE_LUA}
if ARGV[4] == 'p' then
  local stored = redis.call('SET', KEYS[2], ARGV[3], 'NX', 'GET', 'EX', ARGV[2])
  if not stored then return 1 end
  if (markerOfPayload(stored) or redis.call('GET', KEYS[1])) == '1' then return 0 end
  redis.call('SET', KEYS[2], ARGV[3] .. subscriptionsOfPayload(stored), 'EX', ARGV[2])
  return 1
end
local marker = redis.call('GET', KEYS[1])
if marker == '1' then return 0 end
redis.call('SET', KEYS[1], '0', 'EX', ARGV[1])
redis.call('SET', KEYS[2], ARGV[3] .. (marker and subscriptionsOfPayload(redis.call('GET', KEYS[2])) or ''), 'EX', ARGV[2])
return 1
`;

// Redis Cluster: a payload that carries its marker is confirmed enqueued in place, "0 " becoming "1 " (one byte); a
// payload gone meanwhile is not made again.
const CONFIRM_IN_PAYLOAD = `
if redis.call('GETRANGE', KEYS[1], 0, 1) == '0 ' then redis.call('SETRANGE', KEYS[1], 0, '1') end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetAcceptEvents(
      flush: string,
      dedupeTtl: number,
      confirmedFlushPrefix: string,
      markerBefore: string,
      markerAfter: string,
      payloadBefore: string,
      payloadAfter: string,
      packed: Buffer,
    ): Result<number[], Context>;
    hookfleetAcceptEvent(
      dedupeKey: string,
      payloadKey: string,
      dedupeTtl: number,
      payloadTtl: number,
      payload: string,
      kind: 'p' | 'm',
    ): Result<number, Context>;
    hookfleetConfirmInPayload(payloadKey: string): Result<number, Context>;
  }
}

/** Defines the accept scripts on a connection once (EventStore's constructor). */
export function defineAcceptEvents(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'hookfleetAcceptEvent')) return;
  redis.defineCommand('hookfleetAcceptEvent', { numberOfKeys: 2, lua: ACCEPT_EVENT });
  redis.defineCommand('hookfleetAcceptEvents', { numberOfKeys: 0, lua: ACCEPT_EVENTS });
  redis.defineCommand('hookfleetConfirmInPayload', { numberOfKeys: 1, lua: CONFIRM_IN_PAYLOAD });
}
