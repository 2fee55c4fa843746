import type { Job } from 'bullmq';
import type { StoredEvent } from '@hookfleet/core';
import { findProfile, lastAttemptWithinMs, retryLadderMs } from '@hookfleet/profiles';
import { fanOut, groupBySubscription, type FanOutGroup, type MatchJobData } from '@hookfleet/queue';
import { eventReceivedAtMs } from '@hookfleet/store';
import type { MatcherContext } from './context.js';

/** Matches one ingest flush against the subscription index and fans out one first-attempt job per subscription. */
export function createMatcher(context: MatcherContext) {
  return async function matchEvents(job: Job<MatchJobData>): Promise<{ groups: number }> {
    // A subscription created a moment before its first event must not be missed: catch up first.
    await context.index.refresh();
    const loaded = await context.events.getManyForDelivery(job.data.eventIds);
    const events = loaded.filter((event): event is StoredEvent => event !== null);
    for (const event of events) context.eventCache.remember(event);
    // What the API handed over at acceptance already has its batch job (packages/queue/src/hand-over.ts).
    const handedOver = new Set(job.data.handedOver);
    const groups = groupBySubscription(events, (event) => {
      const matched = context.index.match(event);
      return handedOver.size === 0 ? matched : matched.filter((subscription) => !handedOver.has(subscription.id));
    });
    const result = await fanOut(groups, context.deliveries, context.queues.deliveriesFor, context.config.retryDelayScale, (subscriptionId, joining) =>
      context.backlog.add(
        subscriptionId,
        joining.map((event) => ({ eventId: event.id, receivedAt: eventReceivedAtMs(event) })),
      ),
    );
    for (const [profile, count] of result.enqueuedByProfile) context.metrics.deliveriesEnqueued.inc({ profile }, count);
    await context.events.keepPayloadsUntil(
      payloadsToKeepLonger(groups, (profile) => context.events.payloadTtlSecondsOf(profile) * 1000, context.config.retryDelayScale),
    );
    return { groups: result.groups };
  };
}

/**
 * The events whose payload must outlive the TTL it was accepted with: one of their deliveries can still make an attempt
 * after it (its subscription's delay plus its ladder, its own or its profile's, payloadKeepMs in docs/delivery.md, "How long a payload is kept").
 * The TTL an event was accepted with already covers its profile's ladder (EventStore.payloadTtlSecondsOf): only a
 * subscription's delay or its own longer ladder makes a write here.
 */
export function payloadsToKeepLonger(
  groups: readonly FanOutGroup[],
  acceptedTtlMsOf: (profile: string) => number,
  scale: number,
): Array<{ id: string; untilMs: number }> {
  const keepFor = new Map<string, { receivedAt: number; needMs: number }>();
  for (const { subscription, events } of groups) {
    const profile = findProfile(subscription.profile);
    if (!profile) continue;
    const needMs = lastAttemptWithinMs({ ladderMs: retryLadderMs(profile, subscription), delayMs: subscription.delay_seconds * 1000, scale });
    for (const event of events) {
      if (needMs <= acceptedTtlMsOf(event.profile)) continue;
      const known = keepFor.get(event.id);
      if (!known || known.needMs < needMs) keepFor.set(event.id, { receivedAt: eventReceivedAtMs(event), needMs });
    }
  }
  return [...keepFor].map(([id, { receivedAt, needMs }]) => ({ id, untilMs: receivedAt + needMs }));
}
