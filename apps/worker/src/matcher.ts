import type { Job } from 'bullmq';
import type { StoredEvent } from '@hookfleet/core';
import { fanOut, groupBySubscription, type MatchJobData } from '@hookfleet/queue';
import type { WorkerContext } from './context.js';

/** Matches one ingest flush against the subscription index and fans out one first-attempt job per subscription. */
export function createMatcher(context: WorkerContext) {
  return async function matchEvents(job: Job<MatchJobData>): Promise<{ groups: number }> {
    // A subscription created a moment before its first event must not be missed: catch up first.
    await context.index.refresh();
    const loaded = await context.events.getMany(job.data.eventIds);
    const events = loaded.filter((event): event is StoredEvent => event !== null);
    for (const event of events) context.eventCache.remember(event);
    const groups = groupBySubscription(events, (event) => context.index.match(event));
    const result = await fanOut(groups, context.deliveries, context.queues.deliveriesFor, context.config.retryDelayScale, (subscriptionId, joining) =>
      context.backlog.add(subscriptionId, joining.map((event) => ({ eventId: event.id, receivedAt: Date.parse(event.received_at) }))),
    );
    for (const [profile, count] of result.enqueuedByProfile) context.metrics.deliveriesEnqueued.inc({ profile }, count);
    return { groups: result.groups };
  };
}
