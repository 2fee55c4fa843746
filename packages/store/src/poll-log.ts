import type { Result } from 'ioredis';
import type { PollMessage } from '@hookfleet/core';
import { batch, execChecked } from './batch.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** What the log keeps of one message besides the message: when its event was accepted (lag, delivery indexes). */
export interface PollEntry {
  /** The log position (a stream entry id). */
  position: string;
  message: PollMessage;
  eventReceivedAt: number;
}

// Appends the messages not already waiting in the log (a group job that runs again after a crash or a rate-limit
// pause appends the same ids again), trims what is older than the kept window, and tells waiting long-polls.
// Stream ids come from the server's clock, so the trim and the unfetched set use the same one.
// KEYS: log, unfetched. ARGV: keep ms, key ttl seconds, channel, then per message: delivery id, received ms, message json.
const APPEND = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cutoff = now - tonumber(ARGV[1])
local added = 0
for index = 4, #ARGV, 3 do
  if redis.call('ZADD', KEYS[2], 'NX', now, ARGV[index]) == 1 then
    redis.call('XADD', KEYS[1], 'MINID', '~', cutoff, '*', 'd', ARGV[index], 'r', ARGV[index + 1], 'm', ARGV[index + 2])
    added = added + 1
  end
end
if added > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. cutoff)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('PUBLISH', ARGV[3], added)
end
return added
`;

// Moves the acknowledged cursor forward to the given position (never past the log's last entry, never back) and
// answers the range it moved over, so that of two fetches acknowledging the same messages one records them.
// A position past the last id the log ever generated (or, with no log, past the server's clock) was never given out:
// honoured, it would mark every waiting message delivered unread and, handed back as `next`, skip what comes after;
// the script answers 'beyond' instead.
// KEYS: acked, log. ARGV: position, key ttl seconds. Answers {from, to}, nil when it did not move, or 'beyond'.
const ACKNOWLEDGE = `
local function parse(position)
  local dash = string.find(position, '-', 1, true)
  return tonumber(string.sub(position, 1, dash - 1)), tonumber(string.sub(position, dash + 1))
end
local function after(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am > bm or (am == bm and as > bs)
end
local target = ARGV[1]
if redis.call('EXISTS', KEYS[2]) == 0 then
  local time = redis.call('TIME')
  if parse(target) > tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) then return 'beyond' end
  return nil
end
local info = redis.call('XINFO', 'STREAM', KEYS[2])
for index = 1, #info, 2 do
  if info[index] == 'last-generated-id' and after(target, info[index + 1]) then return 'beyond' end
end
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #last == 0 then return nil end
if after(target, last[1][1]) then target = last[1][1] end
local previous = redis.call('GET', KEYS[1]) or '0-0'
if not after(target, previous) then return nil end
redis.call('SET', KEYS[1], target, 'EX', ARGV[2])
return {previous, target}
`;

// Up to `limit` entries from `start` to `end` (XRANGE bounds), stopping before the entry that would take their
// messages past `budget` bytes (the first one always comes): a page of 500 messages of up to 1 MiB each would
// otherwise be one reply of 500 MiB and more, past what the API can hold or serialise. It reads in small chunks, so
// the script itself never holds much more than the budget.
// KEYS: log. ARGV: start, end, limit, budget bytes, chunk. Answers entries as XRANGE does.
const READ = `
local start = ARGV[1]
local limit = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local chunk = tonumber(ARGV[5])
local out = {}
local bytes = 0
while #out < limit do
  local count = math.min(limit - #out, chunk)
  local entries = redis.call('XRANGE', KEYS[1], start, ARGV[2], 'COUNT', count)
  for _, entry in ipairs(entries) do
    local size = 0
    for index = 2, #entry[2], 2 do size = size + #entry[2][index] end
    if #out > 0 and bytes + size > budget then return out end
    out[#out + 1] = entry
    bytes = bytes + size
  end
  if #entries < count then break end
  start = '(' .. entries[#entries][1]
end
return out
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    hookfleetPollAppend(logKey: string, unfetchedKey: string, keepMs: number, ttlSeconds: number, channel: string, ...entries: Array<string | number>): Result<number, Context>;
    hookfleetPollAcknowledge(ackedKey: string, logKey: string, position: string, ttlSeconds: number): Result<[string, string] | 'beyond' | null, Context>;
    hookfleetPollRead(logKey: string, start: string, end: string, limit: number, budgetBytes: number, chunk: number): Result<Array<[string, string[]]>, Context>;
  }
}

export interface PollLogOptions {
  /** How long a message stays fetchable: the event retention, or (retention 0) until fetched and at most this. */
  keepMs: number;
  /** Retention 0: a message goes as soon as it is acknowledged. */
  dropAcknowledged: boolean;
}

/** Entries read per round trip while acknowledging a range (fewer when their messages pass POLL_PAGE_MAX_BYTES). */
const ACK_CHUNK = 1000;

/**
 * The most message bytes (the stored JSON of each message, about what the answer carries of it) one page or one
 * round trip of the log reads: a page holds fewer than `limit` messages when they would pass it, and always one.
 */
export const POLL_PAGE_MAX_BYTES = 4 * 1024 * 1024;

/** Entries the read script takes from the stream at a time, so it holds little more than the budget. */
const READ_CHUNK = 16;

/** A log position as Redis writes it: `<ms>-<seq>`. */
export const LOG_POSITION = /^\d{1,15}-\d{1,15}$/;

/**
 * A poll subscription's messages (docs/delivery.md, "Pull mode"): an ordered log in a Redis stream, one entry per
 * delivery handed over, kept for the retention and trimmed by time; the unfetched set holds the ids appended and not
 * yet acknowledged (at most one copy of each in the log, and the backlog the metrics and the portal show); the
 * acknowledged cursor is how far the subscriber's fetches have passed. Every key shares the subscription's slot.
 */
export class PollLog {
  readonly ttlSeconds: number;

  constructor(private readonly redis: RedisClient, private readonly keys: Keys, private readonly options: PollLogOptions) {
    this.ttlSeconds = Math.ceil(options.keepMs / 1000) + 3600;
    if (!Object.hasOwn(redis, 'hookfleetPollAppend')) redis.defineCommand('hookfleetPollAppend', { numberOfKeys: 2, lua: APPEND });
    if (!Object.hasOwn(redis, 'hookfleetPollAcknowledge')) redis.defineCommand('hookfleetPollAcknowledge', { numberOfKeys: 2, lua: ACKNOWLEDGE });
    if (!Object.hasOwn(redis, 'hookfleetPollRead')) redis.defineCommand('hookfleetPollRead', { numberOfKeys: 1, lua: READ });
  }

  /** Appends messages in the given order; answers how many were new (the rest were waiting already). */
  async append(subscriptionId: string, entries: ReadonlyArray<{ message: PollMessage; eventReceivedAt: number }>): Promise<number> {
    if (entries.length === 0) return 0;
    const args = entries.flatMap(({ message, eventReceivedAt }) => [message.id, eventReceivedAt, JSON.stringify(message)]);
    return this.redis.hookfleetPollAppend(this.keys.pollLog(subscriptionId), this.keys.pollUnfetched(subscriptionId), this.options.keepMs, this.ttlSeconds, this.keys.pollChannel(subscriptionId), ...args);
  }

  /**
   * Up to `limit` entries after `position` (exclusive; null: after the acknowledged cursor), in log order; fewer when
   * their messages would pass POLL_PAGE_MAX_BYTES.
   */
  async read(subscriptionId: string, position: string | null, limit: number): Promise<PollEntry[]> {
    const start = position ?? (await this.acknowledged(subscriptionId));
    return this.range(this.keys.pollLog(subscriptionId), start, '+', limit);
  }

  /** The acknowledged cursor ('0-0' before the first acknowledgement). */
  async acknowledged(subscriptionId: string): Promise<string> {
    return (await this.redis.get(this.keys.pollAcked(subscriptionId))) ?? '0-0';
  }

  /**
   * Moves the acknowledged cursor to `position` and answers the entries it passed, for their bookkeeping; empty when
   * the cursor was there already (a subscriber reading again from an older cursor acknowledges nothing twice); null,
   * moving nothing, when the position lies past anything this log gave out.
   */
  async acknowledge(subscriptionId: string, position: string): Promise<PollEntry[] | null> {
    const log = this.keys.pollLog(subscriptionId);
    const moved = await this.redis.hookfleetPollAcknowledge(this.keys.pollAcked(subscriptionId), log, position, this.ttlSeconds);
    if (moved === 'beyond') return null;
    if (!moved) return [];
    const [from, to] = moved;
    const passed: PollEntry[] = [];
    for (let start = from; ; ) {
      const entries = await this.range(log, start, to, ACK_CHUNK);
      passed.push(...entries);
      const last = entries.at(-1);
      if (!last || last.position === to) break;
      start = last.position;
    }
    const pipeline = batch(this.redis);
    if (passed.length > 0) pipeline.zrem(this.keys.pollUnfetched(subscriptionId), ...passed.map((entry) => entry.message.id));
    if (this.options.dropAcknowledged) pipeline.xtrim(log, 'MINID', nextPosition(to));
    if (pipeline.length > 0) await execChecked(pipeline);
    return passed;
  }

  /** Up to `limit` entries after `start` (exclusive; '0-0': from the first) up to `end`, within the byte budget. */
  private async range(log: string, start: string, end: string, limit: number): Promise<PollEntry[]> {
    const raw = await this.redis.hookfleetPollRead(log, start === '0-0' ? '-' : `(${start}`, end, limit, POLL_PAGE_MAX_BYTES, READ_CHUNK);
    return raw.map(([entryPosition, fields]) => entryOf(entryPosition, fields));
  }

  /**
   * Removes a deleted subscription's log and answers the ids it held unacknowledged: nobody can fetch them any more,
   * and their deliveries are ended by the caller (they would stay pending until their records expired).
   */
  async drop(subscriptionId: string): Promise<string[]> {
    const unfetched = this.keys.pollUnfetched(subscriptionId);
    const ids = await this.redis.zrange(unfetched, 0, -1);
    await execChecked(batch(this.redis).del(this.keys.pollLog(subscriptionId)).del(unfetched).del(this.keys.pollAcked(subscriptionId)));
    return ids;
  }

  /** Each subscription's backlog: messages appended and not yet acknowledged, and when the oldest was appended (ms). */
  async backlogs(subscriptionIds: readonly string[]): Promise<Array<{ messages: number; oldestAppendedAt: number | null }>> {
    if (subscriptionIds.length === 0) return [];
    const pipeline = batch(this.redis);
    for (const id of subscriptionIds) {
      const key = this.keys.pollUnfetched(id);
      pipeline.zcard(key).zrange(key, 0, 0, 'WITHSCORES');
    }
    const replies = await execChecked(pipeline);
    return subscriptionIds.map((_, index) => {
      const oldest = replies[index * 2 + 1] as string[];
      return { messages: Number(replies[index * 2]), oldestAppendedAt: oldest.length === 2 ? Number(oldest[1]) : null };
    });
  }
}

function entryOf(position: string, fields: string[]): PollEntry {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) values.set(fields[index] as string, fields[index + 1] as string);
  return { position, message: JSON.parse(values.get('m') ?? '{}') as PollMessage, eventReceivedAt: Number(values.get('r') ?? 0) };
}

/** The smallest position after `position`. */
function nextPosition(position: string): string {
  const [ms, seq] = position.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

/** With retention 0 an unfetched message is still kept this long (as long as a delivery record). */
const UNFETCHED_KEEP_MS_WITHOUT_RETENTION = 48 * 3600 * 1000;

/** The log's window for HOOKFLEET_EVENT_RETENTION_HOURS: the retention, or (0) until fetched, at most 48 h. */
export function pollLogOptionsFor(retentionHours: number): PollLogOptions {
  if (retentionHours > 0) return { keepMs: retentionHours * 3600 * 1000, dropAcknowledged: false };
  return { keepMs: UNFETCHED_KEEP_MS_WITHOUT_RETENTION, dropAcknowledged: true };
}
