import type { Job } from 'bullmq';
import type { RateLimit } from '@hookfleet/core';
import type { DeliveryGroupJobData, DeliveryJobData, DueRetry } from '@hookfleet/queue';
import type { DeliveryJobContext } from './context.js';
import type { Picks } from './delivery-processor.js';
import type { DeliverySteps } from './delivery-steps.js';
import type { PartOptions } from './engine.js';

/** The most events a line holder takes from the waiting list at once, when its turn's worth is more (or no limit). */
const WAITING_PART_MAX = 500;

/**
 * What the drain shares with the delivery processor (delivery-processor.ts): a job's ticket and turn in its
 * subscription's line, and how picks are made and sent.
 */
export interface WaitingListDrainParts {
  lineTicketOf(job: Job<DeliveryJobData>): string;
  unitsPerTurn(limit: RateLimit, waiting: number): number;
  /** A group's first attempts, each pick made when its part is sliced. */
  firstAttempts(subscriptionId: string, eventIds: readonly string[]): Picks;
  processPicks(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    subscriptionId: string,
    picks: Picks,
    lost: DueRetry[],
    options: PartOptions,
    waiting: { startedAt: number },
  ): Promise<unknown>;
}

/**
 * A line holder (rate-limiter.ts) sends, after its own events, what merged jobs left in its subscription's waiting
 * list, a turn's worth at a time, until the list is empty (which ends its holdership) or another job holds the line.
 * Each part is written into the job before it leaves the list: a run that dies with it leaves it to the job's next
 * run, which, as every run after the first, reads the part's states and sends only what is still pending.
 */
export function createWaitingListDrain(
  context: Pick<DeliveryJobContext, 'limiter' | 'deliveries'>,
  steps: Pick<DeliverySteps, 'loadSubscription'>,
  parts: WaitingListDrainParts,
) {
  const { lineTicketOf, unitsPerTurn, firstAttempts, processPicks } = parts;

  return async function sendWaiting(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryGroupJobData): Promise<void> {
    const subscription = await steps.loadSubscription(data.subscriptionId);
    // Only a job that lined up under a limit may hold its line: a first run of an active subscription without one
    // skips the look (no cost without a limit). A holder woken by a PATCH that removed the limit (line-wake.ts) is a
    // run after its first; the sweep's job (turn-sweep.ts) carries no events; and a line whose subscription was
    // deleted or disabled is drained too, its deliveries ending dead (delivery-processor.ts, processPicks).
    if (subscription?.active && !subscription.rate_limit && job.attemptsStarted <= 1 && data.eventIds.length > 0) return;
    const ticket = lineTicketOf(job);
    const startedAt = Date.now();
    for (;;) {
      const limit = (await steps.loadSubscription(data.subscriptionId))?.rate_limit;
      const count = limit ? Math.min(WAITING_PART_MAX, unitsPerTurn(limit, WAITING_PART_MAX)) : WAITING_PART_MAX;
      const eventIds = await context.limiter.nextWaiting(data.subscriptionId, ticket, count);
      if (!eventIds || eventIds.length === 0) return;
      const part: DeliveryGroupJobData = { ...data, eventIds };
      await job.updateData(part);
      if (!(await context.limiter.taken(data.subscriptionId, ticket, eventIds.length))) return;
      const picks = firstAttempts(data.subscriptionId, eventIds);
      if (job.attemptsStarted <= 1) await processPicks(job, token, data.subscriptionId, picks, [], { retries: 'jobs' }, { startedAt });
      else {
        const entries = picks.slice(0, picks.length);
        const states = await context.deliveries.states(entries.map((entry) => entry.deliveryId));
        const pending = entries.filter((_, index) => states[index]?.status === 'pending');
        await processPicks(job, token, data.subscriptionId, pending, [], { retries: 'jobs' }, { startedAt });
      }
    }
  };
}
