import type { RedisClient } from './redis.js';

// KEYS: the key. ARGV: the value read ('' for none), the value to write. Returns 1 when written.
const REPLACE_IF_UNCHANGED = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/**
 * Compare-and-set of one string key: writes `next` only if the key still holds `read` ('' for no value), so of two
 * read-modify-writes at once (two rotations), one wins and the other learns it lost instead of dropping a change.
 */
export async function replaceIfUnchanged(redis: RedisClient, key: string, read: string, next: string): Promise<boolean> {
  return Number(await redis.eval(REPLACE_IF_UNCHANGED, 1, key, read, next)) === 1;
}
