import { DelayedError, type Job } from 'bullmq';
import { deliveryIdFor, type Subscription } from '@hookfleet/core';
import { HOUR, findProfile, LAST_ATTEMPT_GRACE_MS, lastAttemptWithinMs } from '@hookfleet/profiles';
import { retryEntriesOf, type DeliveryJobData, type RetryEntry } from '@hookfleet/queue';
import { SigningKeyStore } from '@hookfleet/store';
import type { EngineContext, StepsContext } from './context.js';
import { createEngine, type AttemptItem } from './engine.js';
import { createEventRelease } from './event-release.js';
import { createPollAppend } from './poll-append.js';
import { SigningKeyCache } from './signing-key-cache.js';
import { moveToDelayedUnrenewed } from './step-aside.js';

/** How long a job for a congested endpoint steps aside. */
export const CONGESTION_BACKOFF_MS = 1000;
/** A rate-limit wait this short is paced in place, in the worker slot; a longer one hands the slot back. */
export const PACE_IN_PLACE_MAX_WAIT_MS = 250;

/** A subscription's deliveries of these events, each to make its first attempt (group and batch jobs pick these). */
export function firstAttemptsOf(subscriptionId: string, eventIds: readonly string[]): RetryEntry[] {
  return eventIds.map((eventId) => ({ eventId, deliveryId: deliveryIdFor(eventId, subscriptionId), attempt: 1 }));
}

/** The delivery engine of this worker, its destinations those of each kind (destinations.ts). */
export function engineFor(context: EngineContext) {
  const signingKeys = new SigningKeyCache(new SigningKeyStore(context.redis, context.keys));
  return createEngine({
    destination: context.destinations.destination,
    deliveries: context.deliveries,
    subscriptions: context.subscriptions,
    limiter: context.limiter,
    queues: context.queues,
    metrics: context.metrics,
    logger: context.logger,
    failureLog: context.failureLog,
    retryDelayScale: context.config.retryDelayScale,
    retentionMs: context.config.eventRetentionHours * HOUR,
    releaseEnded: createEventRelease(context.events, context.deliveries, context.eventCache, context.logger),
    appendToPollLog: createPollAppend({ pollLog: context.pollLog, deliveries: context.deliveries, logger: context.logger }),
    signingKeys: (tenant) => signingKeys.keysFor(tenant),
  });
}

/** What every kind of delivery job does before and around the engine: load, give up, step aside, wait. */
export function createDeliverySteps(context: StepsContext & Pick<EngineContext, 'failureLog'>) {
  const { deliveries, metrics, config } = context;

  async function loadSubscription(id: string): Promise<Subscription | null> {
    const cached = context.index.get(id);
    // The cache may be a poll behind: before giving deliveries up for an inactive or missing subscription, ask Redis.
    if (cached?.active) return cached;
    return context.subscriptions.get(id);
  }

  /**
   * Marks deliveries that can no longer be attempted (subscription gone or inactive, payload expired) as dead. Every
   * job of a disabled subscription gives its deliveries up: the line is summed per subscription and interval
   * (failure-log.ts). Its profile is the index's, or Redis's where the index has not seen the subscription yet (one
   * created a poll ago; none once it is deleted): a read on this path only, never on a delivered part's.
   */
  async function abandon(subscriptionId: string, deliveryIds: string[], attempts: number[], reason: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    await deliveries.markDead(deliveryIds.map((id, index) => ({ id, subscriptionId, attempts: attempts[index] ?? 0 })));
    const known = context.index.get(subscriptionId) ?? (await context.subscriptions.get(subscriptionId));
    context.failureLog.abandoned(known?.profile ?? null, subscriptionId, deliveryIds, reason);
    // Dead is dead however it came (docs/guarantees.md: every dead delivery shows in this counter); a subscription no
    // longer known has no profile to count it under.
    if (known) context.metrics.deliveriesDead.inc({ profile: known.profile }, deliveryIds.length);
  }

  /**
   * The records of deliveries the API handed over at acceptance (a batch job's `unrecorded`), made as the matcher
   * makes everyone else's, before they go any way but the first run's full batches (whose settle writes them whole).
   * The event's line already names the subscription (payload-value.ts), and a record that exists is left as it is.
   */
  async function createHandedOverRecords(subscriptionId: string, eventIds: readonly string[]): Promise<void> {
    await deliveries.createPending(
      eventIds.map((eventId) => ({ id: deliveryIdFor(eventId, subscriptionId), eventId, subscriptionId })),
      Date.now(),
      { eventLineWritten: true },
    );
  }

  /**
   * The picks' payloads (through the event cache) as items to attempt; a pick whose payload has expired is abandoned,
   * dead with the attempts it had made. `unrecorded`: the picks are batch members handed over at acceptance, with no
   * record yet (their settle writes it whole): an expired one gets its record made first, so it ends dead whole, and
   * their payloads, read once, are not kept in the event cache.
   */
  async function loadItems(subscriptionId: string, picks: readonly RetryEntry[], unrecorded = false): Promise<AttemptItem[]> {
    const events = await context.eventCache.getMany(
      picks.map((pick) => pick.eventId),
      !unrecorded,
    );
    const items: AttemptItem[] = [];
    const expired: RetryEntry[] = [];
    for (const pick of picks) {
      const event = events.get(pick.eventId);
      if (!event) expired.push(pick);
      else if (unrecorded) items.push({ deliveryId: pick.deliveryId, event, attempt: pick.attempt, unrecorded });
      else items.push({ deliveryId: pick.deliveryId, event, attempt: pick.attempt });
    }
    if (unrecorded && expired.length > 0) {
      await createHandedOverRecords(
        subscriptionId,
        expired.map((pick) => pick.eventId),
      );
    }
    await abandon(
      subscriptionId,
      expired.map((pick) => pick.deliveryId),
      expired.map((pick) => pick.attempt - 1),
      'event payload expired',
    );
    return items;
  }

  /** A stalled endpoint's backlog is full here: come back later rather than sit in a worker slot (isolation). */
  async function stepAside(job: Job<DeliveryJobData>, token: string | undefined): Promise<never> {
    await moveToDelayedUnrenewed(job, Date.now() + CONGESTION_BACKOFF_MS, token);
    throw new DelayedError();
  }

  /**
   * The limiter (and the endpoint's own pause) allowed only part of the work: wait outside the worker slot. A long wait
   * is a pause the ladder does not know of (an endpoint paused by another delivery's Retry-After), so the job's payloads
   * are kept past it for the whole ladder still; a shorter one is absorbed by the grace in the payload's lifetime
   * (docs/delivery.md, "How long a payload is kept"), and costs no write. `ladderMs`: the subscription's own ladder
   * (retryLadderMs), when the caller has it; `keptByCaller`: the caller keeps what waits alive itself (an ordered
   * backlog, whose waiting deliveries are not the job's own events: backlog-keep-alive.ts); `lookAgainMs`: the job comes
   * back after at most this long, though its payloads are kept for the whole wait (a turn far down a rate limit's line).
   */
  async function deferRest(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    profile: string,
    deferred: number,
    waitMs: number,
    options: { ladderMs?: readonly number[]; keptByCaller?: boolean; lookAgainMs?: number } = {},
  ): Promise<never> {
    metrics.deliveriesThrottled.inc({ profile }, deferred);
    if (waitMs > LAST_ATTEMPT_GRACE_MS / 2 && !options.keptByCaller) {
      const ladderMs = options.ladderMs ?? findProfile(profile)?.retryDelaysMs ?? [];
      const untilMs = Date.now() + waitMs + lastAttemptWithinMs({ ladderMs, delayMs: 0, scale: config.retryDelayScale });
      const eventIds = job.data.kind === 'retry' ? retryEntriesOf(job.data).map((entry) => entry.eventId) : job.data.eventIds;
      await context.events.keepPayloadsUntil(eventIds.map((id) => ({ id, untilMs })));
    }
    await moveToDelayedUnrenewed(job, Date.now() + Math.min(waitMs, options.lookAgainMs ?? waitMs), token);
    throw new DelayedError();
  }

  return { loadSubscription, abandon, createHandedOverRecords, loadItems, stepAside, deferRest };
}

export type DeliverySteps = ReturnType<typeof createDeliverySteps>;
