import { hash } from 'node:crypto';
import { deliveryIdFor, type StoredEvent, type Subscription } from '@hookfleet/core';
import type { DeliveryStore } from '@hookfleet/store';
import type { Queue } from 'bullmq';
import { addJobsByQueue, queuedFor, type JobsByQueue } from './add-jobs.js';
import type { DeliveryJobData } from './jobs.js';

export interface FanOutGroup {
  subscription: Subscription;
  events: StoredEvent[];
}

/** Groups each event's matching subscriptions into one group per subscription, events in arrival order. */
export function groupBySubscription(events: readonly StoredEvent[], match: (event: StoredEvent) => readonly Subscription[]): FanOutGroup[] {
  const groups = new Map<string, FanOutGroup>();
  for (const event of events) {
    for (const subscription of match(event)) {
      let group = groups.get(subscription.id);
      if (!group) groups.set(subscription.id, (group = { subscription, events: [] }));
      group.events.push(event);
    }
  }
  return [...groups.values()];
}

/**
 * A group job that fails for a reason of its own (Redis away mid-run, a worker error) runs again later: a re-run
 * skips what it already delivered, so nothing is lost and nothing is sent twice by the retry itself.
 */
export const GROUP_JOB_RETRIES = { attempts: 25, backoff: { type: 'exponential', delay: 1000 } } as const;

/** Same subscription and events, same job id: a matcher run twice adds the group once. One hash of the joined ids (two updates an event cost more than the join). */
export function groupJobId(subscriptionId: string, eventIds: readonly string[]): string {
  return `g_${hash('sha256', eventIds.length === 0 ? subscriptionId : `${subscriptionId}\0${eventIds.join('\0')}`, 'base64url').slice(0, 32)}`;
}

/** Which job sends a subscription's first attempts. Ordered wins over batch (the API refuses both together). */
export function jobKindOf(subscription: Pick<Subscription, 'ordered' | 'batch'>): 'group' | 'ordered' | 'batch' {
  if (subscription.ordered === true) return 'ordered';
  return subscription.batch ? 'batch' : 'group';
}

export interface FanOutResult {
  /** New deliveries per profile. */
  enqueuedByProfile: Map<string, number>;
  groups: number;
}

/**
 * Creates the delivery records (once per event and subscription) and one first-attempt job per subscription.
 * A delivery whose record already exists but was never attempted is grouped again: if the matcher died
 * between the two steps, its deliveries are not stranded; a duplicate group finds them delivered and skips them.
 */
export async function fanOut(
  groups: readonly FanOutGroup[],
  deliveryStore: DeliveryStore,
  deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>,
  retryDelayScale: number,
  /**
   * Puts an ordered subscription's new deliveries in its backlog, after their records exist and before their job
   * does: once the matcher job has finished, its events wait in the backlog (matchedUpTo relies on it). A batching
   * subscription's job sends its own full batches at once and adds only the rest to its batch backlog
   * (apps/worker/src/batch-delivery.ts): no order to keep, so nothing to write here.
   */
  joinBacklog?: (subscriptionId: string, events: readonly StoredEvent[]) => Promise<void>,
): Promise<FanOutResult> {
  const plans = groups.map((group) => ({
    group,
    deliveries: group.events.map((event) => ({ id: deliveryIdFor(event.id, group.subscription.id), eventId: event.id, subscriptionId: group.subscription.id })),
  }));
  const created = await deliveryStore.createPending(plans.flatMap((plan) => plan.deliveries));
  const enqueuedByProfile = new Map<string, number>();
  // One add per partition queue (a single one when the queues are not partitioned).
  const jobsByQueue: JobsByQueue = new Map();
  let groupCount = 0;
  let offset = 0;
  for (const { group, deliveries } of plans) {
    const eventIds: string[] = [];
    deliveries.forEach((delivery, index) => {
      const state = created[offset + index];
      if (state === 'created' || state === 'pending') eventIds.push(delivery.eventId);
      if (state === 'created') enqueuedByProfile.set(group.subscription.profile, (enqueuedByProfile.get(group.subscription.profile) ?? 0) + 1);
    });
    offset += deliveries.length;
    if (eventIds.length === 0) continue;
    const delay = Math.round(group.subscription.delay_seconds * 1000 * retryDelayScale);
    groupCount += 1;
    // An ordered subscription's group joins its backlog instead of going out in parallel.
    const kind = jobKindOf(group.subscription);
    const added = kind === 'ordered' && joinBacklog !== undefined;
    if (added) {
      const joining = new Set(eventIds);
      await joinBacklog(
        group.subscription.id,
        group.events.filter((event) => joining.has(event.id)),
      );
    }
    queuedFor(jobsByQueue, deliveriesFor(group.subscription.id)).push({
      name: kind,
      data: { kind, subscriptionId: group.subscription.id, profile: group.subscription.profile, eventIds, ...(added ? { added: true } : {}) },
      opts: { jobId: groupJobId(group.subscription.id, eventIds), ...GROUP_JOB_RETRIES, ...(delay > 0 ? { delay } : {}) },
    });
  }
  await addJobsByQueue(jobsByQueue);
  return { enqueuedByProfile, groups: groupCount };
}
