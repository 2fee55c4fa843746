import type { Job } from 'bullmq';
import { deliveryIdFor, type StoredEvent, type Subscription } from '@hookfleet/core';
import { findProfile, maxAttempts, type ProviderProfile } from '@hookfleet/profiles';
import { PROFILE_BACKOFF, type DeliveryGroupJobData, type DeliveryJobData, type DeliveryRetryJobData } from '@hookfleet/queue';
import type { WorkerContext } from './context.js';
import { attemptDelivery, type AttemptDecision } from './attempt.js';
import { applySubscriptionEffects } from './subscription-effects.js';
import { createDeliverySteps } from './delivery-steps.js';
import { createOrderedProcessor } from './ordered-delivery.js';

/** Waits up to this long in place between paced slices of a group… */
const PACE_IN_PLACE_MAX_WAIT_MS = 250;
/** …for at most this long, before handing the worker slot back. */
const PACE_IN_PLACE_MAX_RUN_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown by a retry job whose attempt failed, so BullMQ schedules the next one with the profile backoff. */
export class DeliveryAttemptFailed extends Error {
  override name = 'DeliveryAttemptFailed';
  constructor(message: string, readonly retryAfterMs: number | null) {
    super(message);
  }
}

export function createDeliveryProcessor(context: WorkerContext) {
  const { config, deliveries } = context;
  const { loadSubscription, storedBookkeepingRule, observe, toResult, abandon, stepAside, deferRest, honourPause } = createDeliverySteps(context);

  function retryJob(subscription: Subscription, profile: ProviderProfile, eventId: string, deliveryId: string, delay: number) {
    const data: DeliveryRetryJobData = { kind: 'retry', subscriptionId: subscription.id, profile: profile.name, eventId, deliveryId, firstAttempt: 2 };
    return { name: 'retry', data, opts: { jobId: deliveryId, delay, attempts: maxAttempts(profile) - 1, backoff: { type: PROFILE_BACKOFF } } };
  }

  async function processGroup(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryGroupJobData): Promise<void> {
    const subscription = await loadSubscription(data.subscriptionId);
    const ids = data.eventIds.map((eventId) => deliveryIdFor(eventId, data.subscriptionId));
    const states = await deliveries.states(ids);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    // A re-run group skips what it already finished; a first attempt that failed but lost its retry job gets it back.
    const pendingIndexes = states.flatMap((state, index) => (state?.status === 'pending' ? [index] : []));
    const strandedIndexes = states.flatMap((state, index) => (state?.status === 'failed' && state.attempts === 1 ? [index] : []));
    if (!subscription || !profile || !subscription.active) {
      await abandon(data.subscriptionId, pendingIndexes.map((index) => ids[index] as string), pendingIndexes.map(() => 0), subscription ? 'subscription inactive' : 'subscription deleted');
      return;
    }
    if (strandedIndexes.length > 0) {
      await context.queues.deliveriesFor(subscription.id).addBulk(strandedIndexes.map((index) => retryJob(subscription, profile, data.eventIds[index] as string, ids[index] as string, 0)));
    }
    if (context.transport.isCongested(subscription.url)) await stepAside(job, token);
    const started = Date.now();
    let sent = 0;
    while (sent < pendingIndexes.length) {
      const grant = await context.limiter.acquire(subscription.id, subscription.rate_limit, pendingIndexes.length - sent);
      const slice = pendingIndexes.slice(sent, sent + grant.granted).map((index) => ({ deliveryId: ids[index] as string, eventId: data.eventIds[index] as string }));
      const { stalled } = await sendFirstAttempts(subscription, profile, slice);
      // The endpoint stalled: what was not sent stays pending, and the job comes back later with it.
      if (stalled) await stepAside(job, token);
      sent += grant.granted;
      if (sent === pendingIndexes.length) break;
      // A short wait is paced in place; a long one (or a long run) hands the slot back and comes back later.
      if (grant.waitMs <= PACE_IN_PLACE_MAX_WAIT_MS && Date.now() - started < PACE_IN_PLACE_MAX_RUN_MS) await sleep(grant.waitMs);
      else await deferRest(job, token, profile.name, pendingIndexes.length - sent, grant.waitMs);
    }
  }

  /** Build → send → judge → record/schedule for a slice of a group's first attempts. */
  async function sendFirstAttempts(subscription: Subscription, profile: ProviderProfile, slice: ReadonlyArray<{ deliveryId: string; eventId: string }>): Promise<{ stalled: boolean }> {
    if (slice.length === 0) return { stalled: false };
    let stalled = false;
    const events = await context.eventCache.getMany(slice.map((entry) => entry.eventId));
    const expired: string[] = [];
    const decisions = await Promise.all(
      slice.map(async ({ deliveryId, eventId }) => {
        const event = events.get(eventId);
        if (!event) {
          expired.push(deliveryId);
          return null;
        }
        const decision = await attemptDelivery({ deliveryId, event, subscription, profile, attempt: 1, retryDelayScale: config.retryDelayScale }, context.transport);
        if (!decision) {
          stalled = true;
          return null;
        }
        observe(profile.name, decision, event);
        return { decision, event };
      }),
    );
    const done = decisions.filter((entry): entry is { decision: AttemptDecision; event: StoredEvent } => entry !== null);
    await deliveries.recordAttempts(done.map(({ decision, event }) => toResult(subscription.id, decision, event)));
    await honourPause(subscription.id, done.map(({ decision }) => decision));
    const retries = done
      .filter(({ decision }) => decision.verdict === 'retry')
      .map(({ decision, event }) => retryJob(subscription, profile, event.id, decision.record.delivery_id, decision.retryDelayMs ?? 0));
    if (retries.length > 0) await context.queues.deliveriesFor(subscription.id).addBulk(retries);
    await abandon(subscription.id, expired, expired.map(() => 0), 'event payload expired');
    const decided = done.map(({ decision }) => decision);
    await applySubscriptionEffects(context, subscription, [...decided.map((decision) => decision.bookkeeping), await storedBookkeepingRule(profile, subscription.id, decided)]);
    return { stalled };
  }

  async function processRetry(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryRetryJobData): Promise<void> {
    const attempt = data.firstAttempt + job.attemptsMade;
    const [state] = await deliveries.states([data.deliveryId]);
    if (state && (state.status === 'delivered' || state.status === 'dead')) return;
    const subscription = await loadSubscription(data.subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    if (!subscription || !profile || !subscription.active) {
      await abandon(data.subscriptionId, [data.deliveryId], [attempt - 1], subscription ? 'subscription inactive' : 'subscription deleted');
      return;
    }
    const event = (await context.eventCache.getMany([data.eventId])).get(data.eventId);
    if (!event) {
      await abandon(subscription.id, [data.deliveryId], [attempt - 1], 'event payload expired');
      return;
    }
    if (context.transport.isCongested(subscription.url)) await stepAside(job, token);
    const grant = await context.limiter.acquire(subscription.id, subscription.rate_limit, 1);
    if (grant.granted === 0) await deferRest(job, token, profile.name, 1, grant.waitMs);
    const decided = await attemptDelivery(
      { deliveryId: data.deliveryId, event, subscription, profile, attempt, retryDelayScale: config.retryDelayScale },
      context.transport,
    );
    if (!decided) return stepAside(job, token);
    // An operator's retry is one more attempt: if it fails, the delivery is dead again.
    const decision = data.final && decided.verdict === 'retry' ? { ...decided, verdict: 'dead' as const, status: 'dead' as const, retryDelayMs: null } : decided;
    observe(profile.name, decision, event);
    await deliveries.recordAttempts([toResult(subscription.id, decision, event)]);
    await applySubscriptionEffects(context, subscription, [decision.bookkeeping, await storedBookkeepingRule(profile, subscription.id, [decision])]);
    await honourPause(subscription.id, [decision]);
    if (decision.verdict === 'retry') throw new DeliveryAttemptFailed(decision.record.error ?? 'delivery failed', decision.retryAfterMs);
  }

  const processOrdered = createOrderedProcessor(context);

  return async function processDelivery(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    if (job.data.kind === 'group') await processGroup(job, token, job.data);
    else if (job.data.kind === 'ordered') await processOrdered(job, token, job.data);
    else await processRetry(job, token, job.data);
  };
}
