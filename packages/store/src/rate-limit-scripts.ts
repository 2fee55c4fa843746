/**
 * The Lua scripts of a subscription's rate limit and its line (rate-limiter.ts runs them): the GCRA, the line of jobs
 * waiting for their turns, and the waiting list of the small jobs merged into the line's holder.
 */

// The line: jobs that wait for a subscription's limit, each with the Redis time its turn comes (a sorted set, ticket →
// turn), and where the line ends (a hash: end, and the interval it was drawn for). Without it every waiting job was
// told "the next free slot" and came back at the same moment as all the others to ask again: a backlog of 2,000
// waiting at 20 a second cost Redis 20,000 commands a second (apps/worker/test/rate-limit-backlog-cost.test.ts). A
// job that joins it is told when its turn comes, once the ones before it had theirs. Shared by both scripts below.
// KEYS: tat, pause, line, line state, holder, waiting. ARGV[1]: interval ms, ARGV[2]: tolerance ms.
//
// Small first-attempt jobs (one event each: single POSTs spread in time) that would wait are merged instead: the first
// becomes the line's holder, and each one after it appends its events to the line's waiting list (a Redis list) and
// ends. The holder sends that list at its turns, a turn's worth at a time. Each job lining up on its own cost its
// delivery a job's round out to the delayed set and back (about 70 Redis commands a delivery, the job's moves and
// their markers: apps/worker/test/rate-limit-single-event-backlog.test.ts); merged, the holder's round is shared by a
// turn's deliveries.
/** How long a ticket stays in a line after its turn came: a job that ended (or died) leaves it behind. */
const LINE_STALE_MS = 60_000;
/**
 * How long a holder stays the holder past the wait it was last told: a holder job that died for good (its BullMQ
 * retries spent) is replaced by the next job that would wait, which then sends what waits.
 */
export const LINE_HOLDER_GRACE_MS = 120_000;
/**
 * How long the waiting list is kept past the wait its holder was last told (or its last joiner: about when it goes).
 * The list is the only note of what its events still wait for: it expired under a holder told to wait for the
 * endpoint's pause (up to MAX_ENDPOINT_PAUSE_MS) or slow to come back, and their deliveries stayed pending with no job
 * to send them. As long as the shortest a delivery record is kept (record-ttl.ts); a drained list is deleted (an empty
 * Redis list is no key), so a long TTL costs nothing.
 */
const WAITING_LIST_KEEP_MS = 48 * 3_600_000;

const LINE = `
local LINE_STALE_MS = ${LINE_STALE_MS}
local HOLDER_GRACE_MS = ${LINE_HOLDER_GRACE_MS}
local WAITING_LIST_KEEP_MS = ${WAITING_LIST_KEEP_MS}
local function redisNow()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
-- Where the line ends, drawn for this interval; a line drawn for another limit (a PATCH) is dropped.
local function lineEnd()
  local state = redis.call('HMGET', KEYS[4], 'end', 'interval')
  if state[2] == ARGV[1] then return tonumber(state[1]) end
  if state[2] then redis.call('DEL', KEYS[3], KEYS[4]) end
  return 0
end
-- The tat as stored (\`<tat>:<interval>\`), its debt rescaled to this interval when the limit changed (a PATCH): the
-- requests granted lately count the same at the new pace, so a raised limit holds at once, not after the old spacing.
local function readTat(now, interval)
  local raw = redis.call('GET', KEYS[1])
  if not raw then return now end
  local sep = string.find(raw, ':', 1, true)
  local tat = tonumber(sep and string.sub(raw, 1, sep - 1) or raw) or now
  local drawn = sep and tonumber(string.sub(raw, sep + 1)) or interval
  if tat < now then return now end
  if drawn ~= interval and drawn > 0 then tat = now + (tat - now) * interval / drawn end
  return tat
end
-- The ticket's turn at the end of the line (or once the tat and a pause allow), holding units of the limit for it.
local function lineUp(now, tat, ends, ticket, units)
  local interval = tonumber(ARGV[1])
  local tolerance = tonumber(ARGV[2])
  local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
  local turn = math.max(ends, tat, paused + tolerance, now)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - LINE_STALE_MS)
  redis.call('ZADD', KEYS[3], turn, ticket)
  local newEnd = turn + units * interval
  redis.call('HSET', KEYS[4], 'end', newEnd, 'interval', ARGV[1])
  local ttl = math.ceil(newEnd - now + LINE_STALE_MS)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[4], ttl)
  return { 0, math.max(1, turn - tolerance - now), 1 }
end
-- The holder's registration kept for the wait it was told plus the grace, and its waiting list at least as long as
-- that wait and WAITING_LIST_KEEP_MS (GT: never shorter; no-op without a list); nothing for any other caller.
local function keepHolder(ticket, wait)
  if ticket ~= '' and redis.call('GET', KEYS[5]) == ticket then
    redis.call('PEXPIRE', KEYS[5], math.ceil(wait) + HOLDER_GRACE_MS)
    redis.call('PEXPIRE', KEYS[6], math.ceil(wait) + WAITING_LIST_KEEP_MS, 'GT')
  end
end
-- A mergeable caller (ARGV[6]: its event ids, JSON) finding a holder: its events join the holder's waiting list, at
-- the cost of a few commands (the answer's wait: about when they go, at the limit's pace; third value 2).
local function joinHolder(ticket)
  if ARGV[6] == nil or ARGV[6] == '' then return nil end
  local holder = redis.call('GET', KEYS[5])
  if not holder or holder == ticket then return nil end
  local joining = cjson.decode(ARGV[6])
  local waiting = redis.call('RPUSH', KEYS[6], unpack(joining))
  local wait = math.ceil(waiting * tonumber(ARGV[1]))
  -- A new list has no TTL yet (GT would leave it so); one kept longer for its holder's wait keeps that.
  if waiting == #joining then redis.call('PEXPIRE', KEYS[6], wait + WAITING_LIST_KEEP_MS)
  else redis.call('PEXPIRE', KEYS[6], wait + WAITING_LIST_KEEP_MS, 'GT') end
  return { 0, math.max(1, wait), 2 }
end
-- A mergeable caller that found no holder and has to wait becomes the holder.
local function becomeHolder(ticket)
  if ARGV[6] ~= nil and ARGV[6] ~= '' then redis.call('SET', KEYS[5], ticket, 'PX', HOLDER_GRACE_MS, 'NX') end
end
`;

// GCRA for a batch of n deliveries, and the endpoint's own pause (429/503 with Retry-After), in one call.
// ARGV: interval ms (0 = no limit), burst tolerance ms, wanted, ticket ('' = a caller outside the line: an ordered or
// batching subscription's one turn holder), units its turn holds, the caller's event ids as JSON when it may be merged
// ('' = not). Returns { granted, wait ms, 1 when in the line / 2 when merged into the holder's waiting list }.
// Redis's clock, not each worker's, so the limit holds across the fleet. A ticket whose turn has not come waits for
// it; one that finds others in line joins its end; one whose turn came (or that finds no line) is granted what the
// limit allows, and when that is not all, is at the head: whoever comes after lines up behind what it still wants.
export const ACQUIRE = `${LINE}
local now = redisNow()
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local ticket = ARGV[4]
local ends = 0
local turn = nil
if interval > 0 and ticket ~= '' then
  local joined = joinHolder(ticket)
  if joined then return joined end
  ends = lineEnd()
  turn = tonumber(redis.call('ZSCORE', KEYS[3], ticket))
  if turn and turn > now + tolerance then
    keepHolder(ticket, turn - tolerance - now)
    return { 0, turn - tolerance - now, 1 }
  end
end
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then
  -- The holder waits for the endpoint's pause (up to MAX_ENDPOINT_PAUSE_MS): it stays the holder meanwhile.
  keepHolder(ticket, paused - now)
  return { 0, paused - now, 0 }
end
if interval <= 0 then return { wanted, 0, 0 } end
local tat = readTat(now, interval)
if ticket ~= '' and not turn and ends > tat then
  becomeHolder(ticket)
  local answer = lineUp(now, tat, ends, ticket, tonumber(ARGV[5]))
  keepHolder(ticket, answer[2])
  return answer
end
local granted = math.floor((now + tolerance - tat) / interval) + 1
if granted < 0 then granted = 0 end
if granted > wanted then granted = wanted end
if granted == 0 and ticket ~= '' and not turn then becomeHolder(ticket) end
if granted > 0 then
  tat = tat + granted * interval
  redis.call('SET', KEYS[1], tat .. ':' .. ARGV[1], 'PX', math.ceil(tat - now + tolerance + 1000))
end
if granted < wanted and ticket ~= '' and not turn then
  redis.call('ZADD', KEYS[3], now, ticket)
  local newEnd = tat + math.min(wanted - granted, tonumber(ARGV[5])) * interval
  redis.call('HSET', KEYS[4], 'end', newEnd, 'interval', ARGV[1])
  local ttl = math.ceil(newEnd - now + LINE_STALE_MS)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[4], ttl)
end
local wait = 0
if granted < wanted then wait = math.max(1, tat - tolerance - now) end
keepHolder(ticket, wait)
return { granted, wait, 0 }
`;

// A ticket whose turn is over with work left (it held its slot long enough, or the next grant is far) goes to the end
// of the line. ARGV: interval ms, tolerance ms, ticket, units. Returns { 0, wait ms, 1 }.
export const LINE_UP = `${LINE}
local now = redisNow()
local ends = lineEnd()
redis.call('ZREM', KEYS[3], ARGV[3])
local tat = readTat(now, tonumber(ARGV[1]))
local answer = lineUp(now, tat, ends, ARGV[3], tonumber(ARGV[4]))
keepHolder(ARGV[3], answer[2])
return answer
`;

// The holder's next part of the waiting list: up to ARGV[2] event ids from its head, read, not removed (the holder
// writes them into its job first, then removes them: TAKEN, so a holder that dies in between loses nothing). A
// caller that another job holds the line for gets nothing; an empty list ends the holdership in the same call, so an
// event that joins later finds no holder and lines up itself. A caller that finds no holder at all with events
// waiting takes the holdership (a holder whose registration ran out while it waited, a job come back after a step
// aside, or a job the sweep added: apps/worker/src/turn-sweep.ts): the list is never left to nobody while a job that
// would drain it runs. KEYS: holder, waiting. ARGV: ticket, count.
// Returns the event ids, or false when another job holds the line.
export const NEXT_WAITING = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return false end
local items = redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[2]) - 1)
if #items == 0 then
  if holder then redis.call('DEL', KEYS[1]) end
  return items
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ${LINE_HOLDER_GRACE_MS})
return items
`;

// The holdership handed to ARGV[2] (a job the sweep adds), only from ARGV[1] (a holder BullMQ failed for good) or,
// with ARGV[1] '', when nobody holds it. KEYS: holder. Returns 1 when handed.
export const CLAIM_WAITING = `
local holder = redis.call('GET', KEYS[1])
if (not holder and ARGV[1] == '') or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ${LINE_HOLDER_GRACE_MS})
  return 1
end
return 0
`;

// The holder's part, now in its job, leaves the waiting list. KEYS: holder, waiting. ARGV: ticket, count.
export const TAKEN = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1)
return 1
`;
