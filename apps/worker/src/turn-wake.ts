import type { Subscription } from '@hookfleet/core';
import type { HookfleetQueues } from '@hookfleet/queue';
import type { OrderedBacklog } from '@hookfleet/store';
import type { Logger } from 'pino';

/**
 * How soon the job holding a disabled or deleted subscription's turn runs: long enough for every worker's
 * subscription index to have seen the change (it polls every 250 ms: packages/store/src/subscription-index.ts), so
 * the run finds the subscription inactive, not a copy that still reads it active.
 */
export const WAKE_AFTER_MS = 1_000;

/**
 * Disabling or deleting an ordered or batching subscription ends its waiting deliveries dead (docs/delivery.md,
 * "Ordered subscriptions", "Batches"), which the job holding its turn does when it next runs: for an ordered one when
 * the head's retry fell due, hours later on the ladder; for a batching one when its partial batch fell due, up to
 * `max_wait_ms` later. The index of each worker that sees the change wakes that job instead, if it waits delayed; the
 * first to do so wins, the others find it no longer delayed. Costs two reads per worker per change of such a
 * subscription to inactive, nothing otherwise.
 */
export function createTurnHolderWake(parts: { ordered: OrderedBacklog; batches: OrderedBacklog; queues: Pick<HookfleetQueues, 'deliveriesFor'>; logger: Logger }) {
  async function wake(subscription: Subscription, backlog: OrderedBacklog): Promise<void> {
    const holder = await backlog.turnHolder(subscription.id);
    if (holder === null) return;
    const job = await parts.queues.deliveriesFor(subscription.id).getJob(holder);
    if (!job || !(await job.isDelayed())) return;
    await job.changeDelay(WAKE_AFTER_MS);
  }
  return (subscription: Subscription): void => {
    const backlog = subscription.ordered ? parts.ordered : subscription.batch ? parts.batches : undefined;
    if (!backlog) return;
    // Another worker may have moved the job out of delayed first: BullMQ then refuses, and nothing is lost.
    wake(subscription, backlog).catch((error: unknown) => parts.logger.debug({ subscription_id: subscription.id, err: error }, 'turn holder not woken'));
  };
}
