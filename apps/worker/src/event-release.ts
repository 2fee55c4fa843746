import type { AttemptResult, DeliveryStore, EventStore } from '@hookfleet/store';
import type { Logger } from 'pino';
import type { EventCache } from './event-cache.js';

/**
 * Retention 0: drops the events whose last delivery just ended (their payload, delivery set and delivered records),
 * here and in this worker's cache. Housekeeping: a failure is logged and left to the keys' TTL, never fails the job.
 */
export function createEventRelease(
  events: EventStore,
  deliveries: DeliveryStore,
  eventCache: EventCache,
  logger: Logger,
): ((results: readonly AttemptResult[]) => Promise<void>) | undefined {
  if (!events.keptUntilDelivered) return undefined;
  return async (results) => {
    if (results.length === 0) return;
    try {
      eventCache.forget(await deliveries.releaseEndedEvents(results));
    } catch (error) {
      logger.warn({ err: error, count: results.length }, 'ended events not released; they expire by TTL');
    }
  };
}
