import type { Job } from 'bullmq';
import { deliveryIdFor, type StoredEvent, type Subscription } from '@hookfleet/core';
import { HOUR, findProfile, maxAttempts, type ProviderProfile } from '@hookfleet/profiles';
import { PROFILE_BACKOFF, type DeliveryGroupJobData, type DeliveryJobData, type DeliveryRetryJobData } from '@hookfleet/queue';
import type { WorkerContext } from './context.js';
import { attemptDelivery, type AttemptDecision } from './attempt.js';
import { applySubscriptionEffects } from './subscription-effects.js';
import { createDeliverySteps } from './delivery-steps.js';
import { createOrderedProcessor } from './ordered-delivery.js';
import { mapWithLimit } from './bounded-map.js';
import { releaseEndedEvents } from './event-release.js';

/** Waits up to this long in place between paced slices of a group… */
const PACE_IN_PLACE_MAX_WAIT_MS = 250;
/** …for at most this long, before handing the worker slot back. */
const PACE_IN_PLACE_MAX_RUN_MS = 2000;

/**
 * First attempts of one group job in flight (or waiting for a slot) at once: a quarter of an origin's 64 slots, so four
 * groups of one endpoint fill it. Bounds the worker's heap: every waiting delivery holds a few closures, promises and a
 * timer, and with all 500 of each group started at once the drain of fan-out 1,000 peaked at 486 MB RSS.
 */
const GROUP_IN_FLIGHT = 16;
/**
 * First attempts of a group recorded together (one pipeline): a group of 500 holds a part's payloads and outcomes at
 * a time, not all 500 until its last answer.
 */
const GROUP_PART = 128;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The worker's lockDuration (worker.ts), renewed by a group job before each part it sends. */
const GROUP_LOCK_MS = 6_000;

/** A group job's run whose lock went to another run: it stops, the other run sends what is still pending. */
export class GroupLockLost extends Error {
  override name = 'GroupLockLost';
  constructor(jobId: string) {
    super(`group job ${jobId} lost its lock to another run; this run stops`);
  }
}

/** Thrown by a retry job whose attempt failed, so BullMQ schedules the next one after the delay the attempt decided. */
export class DeliveryAttemptFailed extends Error {
  override name = 'DeliveryAttemptFailed';
  constructor(message: string, readonly retryDelayMs: number | null) {
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

  async function holdLock(job: Job<DeliveryJobData>, token: string | undefined): Promise<void> {
    if (token && (await job.extendLock(token, GROUP_LOCK_MS)) !== 1) throw new GroupLockLost(String(job.id));
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
      const { stalled } = await sendFirstAttempts(subscription, profile, slice, () => holdLock(job, token));
      // The endpoint stalled: what was not sent stays pending, and the job comes back later with it.
      if (stalled) await stepAside(job, token);
      sent += grant.granted;
      if (sent === pendingIndexes.length) break;
      // A short wait is paced in place; a long one (or a long run) hands the slot back and comes back later.
      if (grant.waitMs <= PACE_IN_PLACE_MAX_WAIT_MS && Date.now() - started < PACE_IN_PLACE_MAX_RUN_MS) await sleep(grant.waitMs);
      else await deferRest(job, token, profile.name, pendingIndexes.length - sent, grant.waitMs);
    }
  }

  /**
   * A slice of a group's first attempts, a part at a time: each part's payloads and outcomes are let go when it ends.
   * Before each later part the job's lock is extended: a run that lost it (its worker paused past the lock, so BullMQ gave
   * the job to another run) stops here instead of sending the rest a second time.
   */
  async function sendFirstAttempts(
    subscription: Subscription,
    profile: ProviderProfile,
    slice: ReadonlyArray<{ deliveryId: string; eventId: string }>,
    holdLock: () => Promise<void> = async () => undefined,
  ): Promise<{ stalled: boolean }> {
    for (let start = 0; start < slice.length; start += GROUP_PART) {
      if (start > 0) await holdLock();
      if ((await sendPart(subscription, profile, slice.slice(start, start + GROUP_PART))).stalled) return { stalled: true };
    }
    return { stalled: false };
  }

  /** Build → send → judge → record/schedule for a part of a group's first attempts. */
  async function sendPart(subscription: Subscription, profile: ProviderProfile, slice: ReadonlyArray<{ deliveryId: string; eventId: string }>): Promise<{ stalled: boolean }> {
    if (slice.length === 0) return { stalled: false };
    let stalled = false;
    const events = await context.eventCache.getMany(slice.map((entry) => entry.eventId));
    const expired: string[] = [];
    const decisions = await mapWithLimit(
      slice,
      GROUP_IN_FLIGHT,
      async ({ deliveryId, eventId }) => {
        // Once the endpoint stalled, the rest is not started: it stays pending for when the job comes back.
        if (stalled) return null;
        const event = events.get(eventId);
        if (!event) {
          expired.push(deliveryId);
          return null;
        }
        const decision = await attemptDelivery({ deliveryId, event, subscription, profile, attempt: 1, retryDelayScale: config.retryDelayScale, retentionMs: config.eventRetentionHours * HOUR }, context.transport);
        if (!decision) {
          stalled = true;
          return null;
        }
        observe(profile.name, decision, event);
        return { decision, event };
      },
    );
    const done = decisions.filter((entry): entry is { decision: AttemptDecision; event: StoredEvent } => entry !== null);
    const results = done.map(({ decision, event }) => toResult(subscription.id, decision, event));
    await deliveries.recordAttempts(results);
    await releaseEndedEvents(context, results);
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
      { deliveryId: data.deliveryId, event, subscription, profile, attempt, retryDelayScale: config.retryDelayScale, retentionMs: config.eventRetentionHours * HOUR },
      context.transport,
    );
    if (!decided) return stepAside(job, token);
    // An operator's retry is one more attempt: if it fails, the delivery is dead again.
    const decision = data.final && decided.verdict === 'retry' ? { ...decided, verdict: 'dead' as const, status: 'dead' as const, retryDelayMs: null } : decided;
    observe(profile.name, decision, event);
    const result = toResult(subscription.id, decision, event);
    await deliveries.recordAttempts([result]);
    await releaseEndedEvents(context, [result]);
    await applySubscriptionEffects(context, subscription, [decision.bookkeeping, await storedBookkeepingRule(profile, subscription.id, [decision])]);
    await honourPause(subscription.id, [decision]);
    if (decision.verdict === 'retry') throw new DeliveryAttemptFailed(decision.record.error ?? 'delivery failed', decision.retryDelayMs);
  }

  const processOrdered = createOrderedProcessor(context);

  return async function processDelivery(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    if (job.data.kind === 'group') await processGroup(job, token, job.data);
    else if (job.data.kind === 'ordered') await processOrdered(job, token, job.data);
    else await processRetry(job, token, job.data);
  };
}
