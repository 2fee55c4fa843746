import type { Subscription } from '@hookfleet/core';
import type { HookfleetQueues } from '@hookfleet/queue';
import type { OrderedBacklog } from '@hookfleet/store';
import type { Logger } from 'pino';

/**
 * How soon the job holding a disabled or deleted ordered subscription's turn runs: long enough for every worker's
 * subscription index to have seen the change (it polls every 250 ms: packages/store/src/subscription-index.ts), so
 * the run finds the subscription inactive, not a copy that still reads it active.
 */
export const WAKE_AFTER_MS = 1_000;

/**
 * Disabling or deleting an ordered subscription ends its waiting deliveries dead (docs/delivery.md, "Ordered
 * subscriptions"), which the job holding its turn does when it next runs: that was when the head's retry fell due,
 * hours later on the ladder. The index of each worker that sees the change wakes that job instead, if it waits
 * delayed; the first to do so wins, the others find it no longer delayed. Costs two reads per worker per change of
 * an ordered subscription to inactive, nothing otherwise.
 */
export function createOrderedWake(parts: { backlog: OrderedBacklog; queues: Pick<HookfleetQueues, 'deliveriesFor'>; logger: Logger }) {
  async function wake(subscription: Subscription): Promise<void> {
    const holder = await parts.backlog.turnHolder(subscription.id);
    if (holder === null) return;
    const job = await parts.queues.deliveriesFor(subscription.id).getJob(holder);
    if (!job || !(await job.isDelayed())) return;
    await job.changeDelay(WAKE_AFTER_MS);
  }
  return (subscription: Subscription): void => {
    if (!subscription.ordered) return;
    // Another worker may have moved the job out of delayed first: BullMQ then refuses, and nothing is lost.
    wake(subscription).catch((error: unknown) => parts.logger.debug({ subscription_id: subscription.id, err: error }, 'ordered turn holder not woken'));
  };
}
