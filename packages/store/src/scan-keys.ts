import { isCluster, type RedisClient } from './redis.js';

/** Keys a SCAN asks for at a time: large enough for few round trips, small enough not to stall Redis. */
const SCAN_COUNT = 1000;

/** A glob that matches `text` literally (SCAN's MATCH treats * ? [ ] \\ as patterns). */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

/**
 * Every key matching `pattern`, a SCAN page at a time on each master (a cluster's keys spread over them), handed to
 * `visit` page by page: Redis is never held longer than one SCAN of SCAN_COUNT, whatever the keyspace's size.
 */
export async function forEachKeyMatching(redis: RedisClient, pattern: string, visit: (keys: string[]) => Promise<void>): Promise<void> {
  for (const node of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (found.length > 0) await visit(found);
    } while (cursor !== '0');
  }
}
