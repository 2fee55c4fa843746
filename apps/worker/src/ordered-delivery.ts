import { DelayedError, type Job } from 'bullmq';
import { deliveryIdFor, type Subscription } from '@hookfleet/core';
import { findProfile, type ProviderProfile } from '@hookfleet/profiles';
import { matchedUpTo, type DeliveryJobData, type DeliveryOrderedJobData } from '@hookfleet/queue';
import { eventReceivedAtMs, type BacklogHead } from '@hookfleet/store';
import { createBacklogKeepAlive } from './backlog-keep-alive.js';
import type { DeliveryJobContext } from './context.js';
import { CONGESTION_BACKOFF_MS, createDeliverySteps, PACE_IN_PLACE_MAX_WAIT_MS } from './delivery-steps.js';
import type { DeliveryEngine } from './engine.js';
import { moveToDelayedUnrenewed } from './step-aside.js';
import { wakeTurnHolder } from './turn-wake.js';

/**
 * While a run drains the backlog without waiting (an endpoint that answers, slowly or under a rate limit paced in
 * place), it asks at most this often whether the backlog needs keeping alive (backlog-keep-alive.ts): a drain longer
 * than the entries' lifetimes would otherwise reach the later ones after their payloads expired.
 */
const DRAIN_KEEP_CHECK_MS = 60_000;
/** While earlier events are still being matched, the head waits in place this long between looks… */
const MATCHING_POLL_MS = 20;
/** …for at most this long, before handing the worker slot back (keeping the turn). */
const MATCHING_WAIT_IN_PLACE_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ordered subscriptions (docs/delivery.md, "Ordered subscriptions"): each job adds its deliveries to the subscription's
 * backlog in event order, then, if it can take the subscription's turn, sends the backlog's head one at a time.
 * A failed head is retried in place on its ladder (the job waits, delayed, still holding the turn), so nothing
 * behind it goes until it is delivered or dead. A job that finds the turn taken ends at once: the holder sends
 * what it added. No job waits for its turn, so a slow endpoint costs one worker slot, not one per event.
 */
export function createOrderedProcessor(
  context: DeliveryJobContext,
  engine: DeliveryEngine,
  holdLock: (job: Job<DeliveryJobData>, token: string | undefined) => Promise<void>,
) {
  const { backlog, deliveries, config } = context;
  const steps = createDeliverySteps(context);
  const keepBacklogAlive = createBacklogKeepAlive({ backlog, deliveries, retryDelayScale: config.retryDelayScale });
  // The turn outlives one attempt and BullMQ's pickup of a job whose worker died (that job takes its turn back).
  const leaseMs = Math.max(30_000, 2 * config.deliveryTimeoutMs);

  async function addToBacklog(data: DeliveryOrderedJobData): Promise<void> {
    if (data.added) return;
    const events = await context.eventCache.getMany(data.eventIds);
    const entries: Array<{ eventId: string; receivedAt: number }> = [];
    const expired: string[] = [];
    for (const eventId of data.eventIds) {
      const event = events.get(eventId);
      if (event) entries.push({ eventId, receivedAt: eventReceivedAtMs(event) });
      else expired.push(deliveryIdFor(eventId, data.subscriptionId));
    }
    await backlog.add(data.subscriptionId, entries);
    await steps.abandon(
      data.subscriptionId,
      expired,
      expired.map(() => 0),
      'event payload expired',
    );
  }

  /**
   * Leaves the worker slot for `waitMs` keeping the turn, so no follower overtakes the head meanwhile. `waiting`: the
   * head's subscription, when the head itself waits (a retry, a deferral, a step aside): everything behind it is kept
   * alive past the wait (backlog-keep-alive.ts).
   */
  async function waitHoldingTurn(
    job: Job<DeliveryJobData>,
    data: DeliveryOrderedJobData,
    waitMs: number,
    waiting?: { subscription: Subscription; profile: ProviderProfile; head: BacklogHead },
  ): Promise<void> {
    await backlog.takeTurn(data.subscriptionId, job.id as string, waitMs + leaseMs);
    if (waiting) await keepBacklogAlive(waiting.subscription, waiting.profile, waiting.head.receivedAt, waitMs);
    if (!data.added) await job.updateData({ ...data, added: true });
  }

  /**
   * Leaves the worker slot until `untilMs` holding the turn, as waitHoldingTurn, unless an entry that sorts before
   * `head` joined meanwhile: an operator's retry, recover or replay puts deliveries back in their event's place, and
   * one added while this run was still at work (the head's attempt) would otherwise wait out the head's retry. Then it
   * returns, and the loop sends the new head first.
   */
  async function sleepHoldingTurn(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    data: DeliveryOrderedJobData,
    head: BacklogHead,
    untilMs: number,
    waiting?: { subscription: Subscription; profile: ProviderProfile; head: BacklogHead },
  ): Promise<void> {
    await waitHoldingTurn(job, data, untilMs - Date.now(), waiting);
    if ((await backlog.head(data.subscriptionId))?.member !== head.member) return;
    await moveToDelayedUnrenewed(job, untilMs, token);
    throw new DelayedError();
  }

  /** Every delivery still waiting ends dead: the subscription is gone or inactive (replay brings them back). */
  async function abandonBacklog(subscriptionId: string, reason: string): Promise<void> {
    const ids = (await backlog.clear(subscriptionId)).map((eventId) => deliveryIdFor(eventId, subscriptionId));
    const states = await deliveries.states(ids);
    const open = ids.flatMap((id, index) => {
      const state = states[index];
      return state && (state.status === 'pending' || state.status === 'failed') ? [{ id, attempts: state.attempts }] : [];
    });
    await steps.abandon(
      subscriptionId,
      open.map((entry) => entry.id),
      open.map((entry) => entry.attempts),
      reason,
    );
  }

  /** One attempt of the head; returns once the head is finished (delivered, dead, or not sendable) and the next may go. */
  async function sendHead(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    data: DeliveryOrderedJobData,
    head: BacklogHead,
    drain: { keepCheckAt: number },
  ): Promise<void> {
    const { member, eventId } = head;
    const subscriptionId = data.subscriptionId;
    const subscription = await steps.loadSubscription(subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    if (!subscription || !profile || !subscription.active)
      return abandonBacklog(subscriptionId, subscription ? 'subscription inactive' : 'subscription deleted');
    const deliveryId = deliveryIdFor(eventId, subscriptionId);
    const [state] = await deliveries.states([deliveryId]);
    if (!state || state.status === 'delivered' || state.status === 'dead') return backlog.remove(subscriptionId, member);
    // Woken before its retry is due (turn-wake.ts: the subscription was disabled, and is active again by now; an
    // earlier entry joined and went first): the head still waits for its ladder.
    if (state.status === 'failed' && state.nextAttemptAt !== null && state.nextAttemptAt > Date.now()) return sleepHoldingTurn(job, token, data, head, state.nextAttemptAt);
    // delay_seconds holds a delivery's first attempt (docs/delivery.md, "The request"). Each event's job is delayed by
    // it, but the turn's holder sends whatever is head: an event that joined while an earlier one was being sent went
    // before its own delay was up.
    const firstAttemptAt = head.receivedAt + Math.round(subscription.delay_seconds * 1000 * config.retryDelayScale);
    if (state.attempts === 0 && firstAttemptAt > Date.now()) return sleepHoldingTurn(job, token, data, head, firstAttemptAt);
    const event = (await context.eventCache.getMany([eventId])).get(eventId);
    if (!event) {
      await steps.abandon(subscriptionId, [deliveryId], [state.attempts], 'event payload expired');
      return backlog.remove(subscriptionId, member);
    }
    const waiting = { subscription, profile, head };
    if (Date.now() >= drain.keepCheckAt) {
      // Draining without a wait keeps the backlog alive too: as if the head waited nothing (costs nothing while the
      // head was accepted within half the grace; then a read a check, and the keeping at most once per
      // KEEP_AGAIN_AFTER_MS).
      drain.keepCheckAt = Date.now() + DRAIN_KEEP_CHECK_MS;
      await keepBacklogAlive(subscription, profile, head.receivedAt, 0);
    }
    if (engine.isCongested(subscription)) {
      await waitHoldingTurn(job, data, CONGESTION_BACKOFF_MS, waiting);
      await steps.stepAside(job, token);
    }
    let grant = await context.limiter.acquire(subscriptionId, subscription.rate_limit, 1);
    while (grant.granted === 0 && grant.waitMs <= PACE_IN_PLACE_MAX_WAIT_MS) {
      await sleep(grant.waitMs);
      grant = await context.limiter.acquire(subscriptionId, subscription.rate_limit, 1);
    }
    if (grant.granted === 0) {
      // The backlog, head included, is kept past the wait here; the job's own events are not what waits.
      await waitHoldingTurn(job, data, grant.waitMs, waiting);
      await steps.deferRest(job, token, profile.name, 1, grant.waitMs, { keptByCaller: true });
    }
    const { stalled, gone, attempted } = await engine.runPart(subscription, profile, [{ deliveryId, event, attempt: state.attempts + 1 }], { retries: 'caller' });
    if (gone) {
      // The head's 410 ended the subscription (the index still reads it active until its next poll): the followers
      // go nowhere and end dead now, as they would for any inactive subscription.
      await backlog.remove(subscriptionId, member);
      return abandonBacklog(subscriptionId, 'endpoint gone');
    }
    if (stalled) {
      await waitHoldingTurn(job, data, CONGESTION_BACKOFF_MS, waiting);
      await steps.stepAside(job, token);
      return;
    }
    const verdict = attempted[0]?.verdict;
    if (verdict?.kind === 'retry') {
      // The head's next attempt happens here, in this job, when its ladder says: its followers wait behind it.
      return sleepHoldingTurn(job, token, data, head, verdict.at, waiting);
    }
    await backlog.remove(subscriptionId, member);
  }

  /** Wakes the turn's holder, if it sleeps, when one of `eventIds` is the backlog's head now. */
  async function wakeHolderForEarlierEntry(subscriptionId: string, eventIds: readonly string[]): Promise<void> {
    const head = await backlog.head(subscriptionId);
    if (head === null || !eventIds.includes(head.eventId)) return;
    await wakeTurnHolder(backlog, context.queues.deliveriesFor(subscriptionId), subscriptionId, 0);
  }

  return async function processOrdered(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryOrderedJobData): Promise<void> {
    const owner = job.id as string;
    const subscriptionId = data.subscriptionId;
    // The matcher adds its jobs' entries itself (fan-out.ts); a job that adds its own is an operator's retry, recover or replay.
    const joinsHere = !data.added;
    await addToBacklog(data);
    if (!(await backlog.takeTurn(subscriptionId, owner, leaseMs))) {
      // Its deliveries went back in their event's place, which may be before a head whose retry the holder sleeps on
      // (hours away on a ladder): the holder wakes now and sends them first, as it would any earlier entry.
      if (joinsHere) await wakeHolderForEarlierEntry(subscriptionId, data.eventIds);
      return;
    }
    let renewAt = Date.now() + leaseMs / 2;
    // Every event accepted before this mark has been matched, so it is in the backlog already.
    let matchedMark = 0;
    let matchingWaitSince: number | null = null;
    const drain = { keepCheckAt: 0 };
    for (;;) {
      const head = await backlog.head(subscriptionId);
      if (head === null) {
        // Give the turn back; an entry added meanwhile (whose job found the turn taken) is ours to send.
        if ((await backlog.giveTurn(subscriptionId, owner)) === 0 || !(await backlog.takeTurn(subscriptionId, owner, leaseMs))) return;
        renewAt = Date.now() + leaseMs / 2;
        continue;
      }
      // An event accepted earlier may still be in a matcher job (a batch matched after a later single event):
      // the head waits until it has joined the backlog, where it sorts before the head.
      if (head.receivedAt >= matchedMark) matchedMark = await matchedUpTo(context.queues.events, context.redis);
      if (head.receivedAt >= matchedMark) {
        matchingWaitSince ??= Date.now();
        if (Date.now() - matchingWaitSince < MATCHING_WAIT_IN_PLACE_MS) {
          await sleep(MATCHING_POLL_MS);
          continue;
        }
        await waitHoldingTurn(job, data, CONGESTION_BACKOFF_MS);
        await moveToDelayedUnrenewed(job, Date.now() + CONGESTION_BACKOFF_MS, token);
        throw new DelayedError();
      }
      matchingWaitSince = null;
      // A worker told to stop hands the job (and with it the turn) to another worker instead of draining the backlog.
      if (context.isStopping()) {
        await waitHoldingTurn(job, data, 0);
        await moveToDelayedUnrenewed(job, Date.now(), token);
        throw new DelayedError();
      }
      // Before each head, this run must still hold its job's lock. A run held up past it (its worker paused or cut off
      // from Redis) has been given to another run of the same job, which takes the turn back as its own: without this
      // check both runs sent the rest of the backlog side by side, every delivery twice and two requests in flight.
      await holdLock(job, token);
      await sendHead(job, token, data, head, drain);
      if (Date.now() >= renewAt) {
        // Lost (this worker was held up past the lease and another job took over): that job sends the rest.
        if (!(await backlog.takeTurn(subscriptionId, owner, leaseMs))) return;
        renewAt = Date.now() + leaseMs / 2;
      }
    }
  };
}
