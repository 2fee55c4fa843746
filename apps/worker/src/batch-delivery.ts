import { DelayedError, type Job } from 'bullmq';
import { deliveryIdFor, MAX_TIMEOUT_MS } from '@hookfleet/core';
import { findProfile } from '@hookfleet/profiles';
import type { DeliveryBatchJobData, DeliveryJobData } from '@hookfleet/queue';
import { eventReceivedAtMs, type WaitingEntry } from '@hookfleet/store';
import type { DeliveryJobContext } from './context.js';
import { CONGESTION_BACKOFF_MS, createDeliverySteps, firstAttemptsOf } from './delivery-steps.js';
import type { DeliveryEngine } from './engine.js';
import { BATCHES_IN_FLIGHT } from './batch-attempt.js';
import { moveToDelayedUnrenewed } from './step-aside.js';

/** A batch's first member waits in place (in the worker slot) up to this long for the rest; longer, the job is delayed. */
const WAIT_IN_PLACE_MAX_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batching subscriptions (docs/delivery.md, "Batches"): a job's first run sends the full batches its own deliveries
 * make at once; the rest it adds to the subscription's batch
 * backlog, then, if it can take the subscription's turn, cuts batches from the backlog's oldest entries: a full batch
 * at once, a partial one when its first member has waited `max_wait_ms`. A job that finds the turn taken ends at
 * once (the holder sends what it added, as for ordered subscriptions). Members leave the backlog only after their
 * attempt is settled, so a crash sends the batch again (at least once); a failed batch's members are retried whole
 * by a retry job (the engine batches every part of a batching subscription).
 */
export function createBatchProcessor(
  context: DeliveryJobContext,
  engine: DeliveryEngine,
  holdLock: (job: Job<DeliveryJobData>, token: string | undefined) => Promise<void>,
) {
  const { batches, deliveries, config } = context;
  const steps = createDeliverySteps(context);
  // The turn outlives one batch's attempt (a subscription's timeout up to MAX_TIMEOUT_MS) and BullMQ's pickup of a
  // job whose worker died (that job takes its turn back).
  const leaseMs = 2 * Math.max(15_000, config.deliveryTimeoutMs, MAX_TIMEOUT_MS);

  async function addToBacklog(subscriptionId: string, eventIds: readonly string[]): Promise<void> {
    const events = await context.eventCache.getMany(eventIds);
    await batches.add(
      subscriptionId,
      eventIds.flatMap((eventId) => {
        const event = events.get(eventId);
        return event ? [{ eventId, receivedAt: eventReceivedAtMs(event) }] : [];
      }),
    );
    const expired = eventIds.filter((eventId) => !events.has(eventId)).map((eventId) => deliveryIdFor(eventId, subscriptionId));
    await steps.abandon(
      subscriptionId,
      expired,
      expired.map(() => 0),
      'event payload expired',
    );
  }

  /**
   * A job's first run sends the full batches its own deliveries make at once, without the backlog: they need no
   * waiting and no other job can cut them (they were never in the backlog), so the backlog's writes, reads, turn and
   * state reads are spared. Returns the event ids left for the backlog: the remainder under `max_events`, or all of
   * them when anything is in the way (a worker stopping, no grant from the limiter or the endpoint's pause, a stalled
   * endpoint): the backlog path reads their states and sends only what is still pending.
   */
  async function sendOwnFullBatches(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryBatchJobData): Promise<readonly string[]> {
    const subscription = await steps.loadSubscription(data.subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    const maxEvents = subscription?.batch?.max_events ?? 0;
    const full = maxEvents > 0 ? Math.floor(data.eventIds.length / maxEvents) : 0;
    if (!subscription || !profile || !subscription.active || full === 0 || context.isStopping()) return data.eventIds;
    // One POST is one request against the rate limit, as in the backlog path.
    const grant = await context.limiter.acquire(subscription.id, subscription.rate_limit ?? null, full);
    if (grant.granted === 0) return data.eventIds;
    const own = data.eventIds.slice(0, grant.granted * maxEvents);
    const items = await steps.loadItems(subscription.id, firstAttemptsOf(subscription.id, own), data.unrecorded);
    await holdLock(job, token);
    if (items.length === 0) return data.eventIds.slice(own.length);
    const { stalled, gone, attempted } = await engine.runPart(subscription, profile, items, { retries: 'jobs' });
    if (gone) {
      // A batch's 410 ended the subscription (the index still reads it active until its next poll): nothing more
      // goes to it. What this job did not send, and what waits in the backlog, ends dead as for an inactive one.
      const sent = new Set(attempted.map(({ item }) => item.deliveryId));
      const unsentEvents = [...items.filter((item) => !sent.has(item.deliveryId)).map((item) => item.event.id), ...data.eventIds.slice(own.length)];
      if (data.unrecorded) await steps.createHandedOverRecords(subscription.id, unsentEvents);
      const unsent = unsentEvents.map((eventId) => deliveryIdFor(eventId, subscription.id));
      await steps.abandon(
        subscription.id,
        unsent,
        unsent.map(() => 0),
        'endpoint gone',
      );
      await abandonBacklog(subscription.id, 'endpoint gone');
      return [];
    }
    return stalled ? data.eventIds : data.eventIds.slice(own.length);
  }

  /** Leaves the worker slot until `at`, keeping the turn, so no other job cuts a batch meanwhile. */
  async function comeBackAt(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryBatchJobData, at: number): Promise<never> {
    await batches.takeTurn(data.subscriptionId, job.id as string, Math.max(0, at - Date.now()) + leaseMs);
    if (!data.added) await job.updateData({ ...data, added: true });
    await moveToDelayedUnrenewed(job, at, token);
    throw new DelayedError();
  }

  /** Every delivery still waiting in the backlog ends dead: the subscription is gone or inactive (replay brings them back). */
  async function abandonBacklog(subscriptionId: string, reason: string): Promise<void> {
    const ids = (await batches.clear(subscriptionId)).map((eventId) => deliveryIdFor(eventId, subscriptionId));
    const states = await deliveries.states(ids);
    const open = ids.filter((_, index) => states[index]?.status === 'pending');
    await steps.abandon(
      subscriptionId,
      open,
      open.map(() => 0),
      reason,
    );
  }

  /**
   * Waiting entries (one batch, or several full ones) through the engine; `stalled`: the endpoint stalled (nothing sent,
   * all still waiting); `gone`: why the subscription is over (inactive, deleted, or a batch got 410 Gone), the backlog
   * ended dead.
   */
  async function sendBatch(subscriptionId: string, waiting: readonly WaitingEntry[]): Promise<'sent' | 'stalled' | { gone: string }> {
    const subscription = await steps.loadSubscription(subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    if (!subscription || !profile || !subscription.active) {
      const reason = subscription ? 'subscription inactive' : 'subscription deleted';
      await abandonBacklog(subscriptionId, reason);
      return { gone: reason };
    }
    const ids = waiting.map((entry) => deliveryIdFor(entry.eventId, subscriptionId));
    const states = await deliveries.states(ids);
    // A re-run after a crash finds some already settled (their batch went out): only the pending ones go again. An
    // event added twice (a job that ran twice) waits twice; it goes once.
    const seen = new Set<string>();
    const pending = waiting.filter((entry, index) => states[index]?.status === 'pending' && !seen.has(entry.eventId) && seen.add(entry.eventId));
    const items = await steps.loadItems(
      subscriptionId,
      firstAttemptsOf(
        subscriptionId,
        pending.map((entry) => entry.eventId),
      ),
    );
    const { stalled, gone } = items.length > 0 ? await engine.runPart(subscription, profile, items, { retries: 'jobs' }) : { stalled: false, gone: false };
    if (gone) {
      // As in sendOwnFullBatches: nothing more goes to an endpoint that said 410, and whatever waits ends dead.
      await abandonBacklog(subscriptionId, 'endpoint gone');
      return { gone: 'endpoint gone' };
    }
    if (stalled) return 'stalled';
    await batches.removeMembers(
      subscriptionId,
      waiting.map((entry) => entry.member),
    );
    return 'sent';
  }

  return async function processBatch(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryBatchJobData): Promise<void> {
    const owner = job.id as string;
    const subscriptionId = data.subscriptionId;
    if (!data.added) {
      // A re-run (the job failed, or its worker died) may find some of its own batches sent: all of it goes through
      // the backlog, which sends only what is still pending.
      const rest = job.attemptsStarted <= 1 ? await sendOwnFullBatches(job, token, data) : data.eventIds;
      if (rest.length === 0) return;
      // Handed over at acceptance: what did not go out in a full batch above waits in the backlog, with a record.
      if (data.unrecorded) await steps.createHandedOverRecords(subscriptionId, rest);
      await addToBacklog(subscriptionId, rest);
    }
    if (!(await batches.takeTurn(subscriptionId, owner, leaseMs))) return;
    for (;;) {
      const subscription = await steps.loadSubscription(subscriptionId);
      if (!subscription?.active) {
        // Disabled or deleted (turn-wake.ts woke this job for it): what waits ends dead now, not when its batch
        // would have been due; what other jobs add meanwhile too, before the turn is given back.
        const reason = subscription ? 'subscription inactive' : 'subscription deleted';
        do await abandonBacklog(subscriptionId, reason);
        while ((await batches.giveTurn(subscriptionId, owner)) > 0 && (await batches.takeTurn(subscriptionId, owner, leaseMs)));
        return;
      }
      const { max_events: maxEvents, max_wait_ms: maxWaitMs } = subscription.batch ?? { max_events: 1, max_wait_ms: 0 };
      // Up to BATCHES_IN_FLIGHT full batches go out together (the engine sends them side by side); a partial one
      // only alone, once due.
      const oldest = await batches.oldest(subscriptionId, maxEvents * BATCHES_IN_FLIGHT);
      const waiting = oldest.length > maxEvents ? oldest.slice(0, oldest.length - (oldest.length % maxEvents)) : oldest;
      if (waiting.length === 0) {
        // Give the turn back; an entry added meanwhile (whose job found the turn taken) is ours to send.
        if ((await batches.giveTurn(subscriptionId, owner)) === 0 || !(await batches.takeTurn(subscriptionId, owner, leaseMs))) return;
        continue;
      }
      // A worker told to stop hands the job (and with it the turn) to another worker instead of draining the backlog.
      if (context.isStopping()) await comeBackAt(job, token, data, Date.now());
      const dueAt = (waiting[0] as WaitingEntry).receivedAt + maxWaitMs;
      // A partial batch waits for more until its first member has waited max_wait_ms.
      if (waiting.length < maxEvents && dueAt > Date.now()) {
        if (dueAt - Date.now() > WAIT_IN_PLACE_MAX_MS) await comeBackAt(job, token, data, dueAt);
        await sleep(dueAt - Date.now());
        continue;
      }
      // One POST is one request against the rate limit (the full batches that go out together each ask for one, and
      // only those granted go); an endpoint's pause (Retry-After, circuit breaker) holds them too.
      const grant = await context.limiter.acquire(subscriptionId, subscription.rate_limit ?? null, Math.ceil(waiting.length / maxEvents));
      if (grant.granted === 0) await comeBackAt(job, token, data, Date.now() + grant.waitMs);
      // Before each batch, this run must still hold the turn and its job's lock: a run held up past either (its
      // worker starved of CPU) stops here, and whoever took over sends the rest, so no batch goes out twice at once.
      if (!(await batches.takeTurn(subscriptionId, owner, leaseMs))) return;
      await holdLock(job, token);
      const sent = await sendBatch(subscriptionId, waiting.slice(0, grant.granted * maxEvents));
      if (typeof sent === 'object') {
        // What other jobs added meanwhile (they found the turn taken) ends dead too before the turn is given back: kept,
        // it waited for the turn's lease to run out and for a job to come after it.
        while ((await batches.giveTurn(subscriptionId, owner)) > 0 && (await batches.takeTurn(subscriptionId, owner, leaseMs))) await abandonBacklog(subscriptionId, sent.gone);
        return;
      }
      if (sent === 'stalled') await comeBackAt(job, token, data, Date.now() + CONGESTION_BACKOFF_MS);
    }
  };
}
