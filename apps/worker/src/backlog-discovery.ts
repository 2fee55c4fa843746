import { isCluster, type Keys, type RedisClient } from '@hookfleet/store';

/** `line`: a rate-limited subscription's waiting list, merged jobs' events its line holder sends (rate-limiter.ts). */
export type BacklogKind = 'ordered' | 'batch' | 'line';

export interface DiscoveredBacklog {
  kind: BacklogKind;
  subscriptionId: string;
}

/** Keys one SCAN call looks at: one call holds Redis about as long as any other command of a round. */
const SCAN_COUNT = 1_000;
/**
 * SCAN calls one sweep round makes at most (all masters together): a pass over a large keyspace spreads over rounds
 * (10 million keys take 200 rounds, 100 minutes at the sweep's 30 s), each round's cost bounded whatever its size.
 */
const SCANS_PER_ROUND = 50;
/** How long after a pass ends the next starts: a backlog this process's index did not show it (a change it missed) is still found. */
export const REDISCOVERY_INTERVAL_MS = 3_600_000;

/**
 * Which of a subscription slot's keys is a backlog or waiting list, and of which kind (keys.ts declares each).
 */
function kindOfKey(keys: Keys, key: string, subscriptionId: string): BacklogKind | undefined {
  if (key === keys.orderedBacklog(subscriptionId)) return 'ordered';
  if (key === keys.batchBacklog(subscriptionId)) return 'batch';
  return key === keys.rateLimitWaiting(subscriptionId) ? 'line' : undefined;
}

/**
 * Finds the backlogs and waiting lists that hold entries in Redis, a part of a SCAN pass per call. The sweep
 * (turn-sweep.ts) watches those of subscriptions this process saw ordered, batching or limited; a backlog whose
 * subscription was deleted or PATCHed before this process started (every worker restarted around it: a deploy) was
 * seen by none, and its accepted deliveries stayed pending for ever. A pass starts with the first call, and again
 * REDISCOVERY_INTERVAL_MS after the last one ended; an empty backlog has no key (GIVE_TURN in ordered-backlog.ts
 * deletes it), so what a pass finds is what waits. Nothing is written.
 */
export function createBacklogDiscovery(redis: RedisClient, keys: Keys, rediscoveryIntervalMs = REDISCOVERY_INTERVAL_MS) {
  const pattern = keys.subscriptionSlotPattern();
  /** The pass under way: the masters it goes through (a cluster's keys spread over them) and where it stands. */
  let pass: { nodes: RedisClient[]; node: number; cursor: string } | null = null;
  let nextPassAt = 0;

  /** A part of the pass, SCANS_PER_ROUND calls at most: what it found (each backlog once a pass, or twice at most). */
  return async function discoverSome(): Promise<DiscoveredBacklog[]> {
    if (pass === null) {
      if (Date.now() < nextPassAt) return [];
      pass = { nodes: isCluster(redis) ? redis.nodes('master') : [redis], node: 0, cursor: '0' };
    }
    const found: DiscoveredBacklog[] = [];
    try {
      for (let calls = 0; calls < SCANS_PER_ROUND && pass.node < pass.nodes.length; calls += 1) {
        const node = pass.nodes[pass.node] as RedisClient;
        const [next, page] = await node.scan(pass.cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        for (const key of page) {
          const subscriptionId = keys.subscriptionIdOfSlotKey(key);
          const kind = subscriptionId === undefined ? undefined : kindOfKey(keys, key, subscriptionId);
          if (subscriptionId !== undefined && kind) found.push({ kind, subscriptionId });
        }
        pass.cursor = next;
        if (next === '0') pass.node += 1;
      }
    } catch (error) {
      // A master gone or moved (failover, resharding): the next round starts the pass again with the masters then.
      pass = null;
      throw error;
    }
    if (pass.node >= pass.nodes.length) {
      pass = null;
      nextPassAt = Date.now() + rediscoveryIntervalMs;
    }
    return found;
  };
}
