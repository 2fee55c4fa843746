import type { RateLimit, Subscription } from '@hookfleet/core';
import type { DeliveryJobData, HookfleetQueues } from '@hookfleet/queue';
import { isStoreError, type RateLimiter } from '@hookfleet/store';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

/** Requests a second a limit allows; no limit is as many as wanted. */
function perSecondOf(limit: RateLimit | null | undefined): number {
  if (!limit) return Number.POSITIVE_INFINITY;
  return 'per_second' in limit ? limit.per_second : limit.per_minute / 60;
}

/**
 * Jobs waiting in a rate-limited subscription's line (rate-limiter.ts) sleep until their turn under the limit they
 * lined up for, up to 5 minutes (delivery-processor.ts). A PATCH that raises or removes the limit wakes them now, so
 * the backlog goes at the new pace at once instead of at its old turns: each worker's subscription index sees the
 * change and brings the line's delayed jobs forward (a job already woken by another worker, running or gone, is left).
 * The woken jobs ask the limiter again; the first draws a line for the new limit, the others join it.
 */
export function createLineWake(parts: { limiter: RateLimiter; queues: Pick<HookfleetQueues, 'deliveriesFor' | 'retriesFor'>; logger: Logger }) {
  async function wake(subscriptionId: string): Promise<void> {
    const queues = [parts.queues.deliveriesFor(subscriptionId), parts.queues.retriesFor(subscriptionId)];
    const byName = new Map<string, Queue<DeliveryJobData>>(queues.map((queue) => [queue.name, queue]));
    for (const ticket of await parts.limiter.lineTickets(subscriptionId)) {
      // A ticket is `<queue name>:<job id>` (delivery-processor.ts, lineTicketOf); queue names hold no colon.
      const colon = ticket.indexOf(':');
      const job = await byName.get(ticket.slice(0, colon))?.getJob(ticket.slice(colon + 1));
      if (!job || !(await job.isDelayed())) continue;
      try {
        await job.promote();
      } catch (error) {
        if (isStoreError(error)) throw error;
      }
    }
  }
  return (previous: Subscription, current: Subscription): void => {
    if (!previous.rate_limit || perSecondOf(current.rate_limit) <= perSecondOf(previous.rate_limit)) return;
    wake(current.id).catch((error: unknown) => parts.logger.debug({ subscription_id: current.id, err: error }, 'rate-limit line not woken'));
  };
}
