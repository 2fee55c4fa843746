import type { AttemptResult } from '@hookfleet/store';
import type { WorkerContext } from './context.js';

/**
 * Retention 0: drops the events whose last delivery just ended (their payload, delivery set and delivered records),
 * here and in this worker's cache. Housekeeping: a failure is logged and left to the keys' TTL, never fails the job.
 */
export async function releaseEndedEvents(context: WorkerContext, results: readonly AttemptResult[]): Promise<void> {
  if (!context.events.keptUntilDelivered || results.length === 0) return;
  try {
    const released = await context.deliveries.releaseEndedEvents(results);
    context.eventCache.forget(released);
  } catch (error) {
    context.logger.warn({ err: error, count: results.length }, 'ended events not released; they expire by TTL');
  }
}
