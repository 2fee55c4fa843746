import type { Queue } from 'bullmq';
import type { DeliveryStore } from '@hookfleet/store';
import { PROFILE_BACKOFF, type DeliveryJobData, type DeliveryRetryJobData } from './jobs.js';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';

export interface RedeliveryItem {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  profile: string;
  eventReceivedAt: number;
  /** Attempts made so far. */
  attempts: number;
}

/**
 * One more attempt now, with the same delivery id (retry and recover): a delivery still waiting on its ladder
 * is promoted, a finished one gets a final single-attempt job.
 */
export async function attemptAgainNow(deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>, store: DeliveryStore, items: readonly RedeliveryItem[]): Promise<void> {
  if (items.length === 0) return;
  await store.resetToPending(items.map((item) => ({ id: item.deliveryId, eventId: item.eventId, subscriptionId: item.subscriptionId, eventReceivedAt: item.eventReceivedAt })));
  const jobsByQueue = new Map<Queue<DeliveryJobData>, Array<{ name: string; data: DeliveryRetryJobData; opts: { jobId: string; attempts: number; backoff: { type: string } } }>>();
  for (const item of items) {
    // A delivery's retry job lives in its subscription's partition, so this finds it whatever the partition count.
    const queue = deliveriesFor(item.subscriptionId);
    const existing = await queue.getJob(item.deliveryId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'delayed') {
        await existing.promote();
        continue;
      }
      if (state === 'waiting' || state === 'active' || state === 'prioritized') continue;
      await existing.remove();
    }
    let jobs = jobsByQueue.get(queue);
    if (!jobs) jobsByQueue.set(queue, (jobs = []));
    jobs.push({
      name: 'retry',
      data: { kind: 'retry', subscriptionId: item.subscriptionId, profile: item.profile, eventId: item.eventId, deliveryId: item.deliveryId, firstAttempt: item.attempts + 1, final: true },
      opts: { jobId: item.deliveryId, attempts: 1, backoff: { type: PROFILE_BACKOFF } },
    });
  }
  await Promise.all([...jobsByQueue].map(([queue, jobs]) => queue.addBulk(jobs)));
}

/** Delivers events to a subscription again as first attempts in groups (replay); ids stay those of event and subscription. */
export async function redeliverAsGroup(
  queue: Queue<DeliveryJobData>,
  store: DeliveryStore,
  batchKey: string,
  subscriptionId: string,
  profile: string,
  events: ReadonlyArray<{ eventId: string; deliveryId: string; eventReceivedAt: number }>,
): Promise<void> {
  if (events.length === 0) return;
  await store.resetToPending(events.map((event) => ({ id: event.deliveryId, eventId: event.eventId, subscriptionId, eventReceivedAt: event.eventReceivedAt })));
  const eventIds = events.map((event) => event.eventId);
  await queue.add('group', { kind: 'group', subscriptionId, profile, eventIds }, { jobId: groupJobId(`${subscriptionId}:${batchKey}`, eventIds), ...GROUP_JOB_RETRIES });
}
