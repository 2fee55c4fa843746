import type { Job } from 'bullmq';
import type { RateLimit, Subscription } from '@hookfleet/core';
import { findProfile, LAST_ATTEMPT_GRACE_MS, lastAttemptWithinMs, retryLadderMs, type ProviderProfile } from '@hookfleet/profiles';
import { retryEntriesOf, type DeliveryGroupJobData, type DeliveryJobData, type DueRetry, type RetryEntry } from '@hookfleet/queue';
import { gcraParameters, type DeliveryState, type LineTicket } from '@hookfleet/store';
import type { DeliveryJobContext } from './context.js';
import { createDeliverySteps, engineFor, firstAttemptsOf, PACE_IN_PLACE_MAX_WAIT_MS } from './delivery-steps.js';
import { createOrderedProcessor } from './ordered-delivery.js';
import { createBatchProcessor } from './batch-delivery.js';
import type { DeliveryEngine, PartOptions } from './engine.js';
import { createWaitingListDrain } from './waiting-list-drain.js';

/** A job paces its slices in place (PACE_IN_PLACE_MAX_WAIT_MS at a time) for at most this long, before handing the worker slot back. */
const PACE_IN_PLACE_MAX_RUN_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A job waiting in a rate-limited subscription's line looks again at least this often: a limit raised or removed by a
 * PATCH (which draws a new line) reaches it then, not at the turn the old limit gave it. Each look costs a job move,
 * so a backlog of 10,000 jobs costs about 33 moves a second at most.
 */
const MAX_LINE_WAIT_MS = 5 * 60_000;

/** A job's ticket in its subscription's line. */
const lineTicketOf = (job: Job<DeliveryJobData>) => `${job.queueName}:${job.id}`;

/**
 * How many of the limit's slots a job's turn takes: its burst at once, then, when the limit's interval is short
 * enough to pace in place, what it paces in PACE_IN_PLACE_MAX_RUN_MS. What the job sends in a turn is what the line
 * holds for it, so the next job's turn comes when this one's is over.
 */
function unitsPerTurn(limit: RateLimit, waiting: number): number {
  const { intervalMs, toleranceMs } = gcraParameters(limit);
  const burst = Math.round(toleranceMs / intervalMs) + 1;
  const paced = intervalMs <= PACE_IN_PLACE_MAX_WAIT_MS ? Math.floor(PACE_IN_PLACE_MAX_RUN_MS / intervalMs) : 0;
  return Math.max(1, Math.min(waiting, burst + paced));
}

/**
 * A group's first run with at most this many events that would wait in its subscription's line is merged: its events
 * join the line holder's waiting list and the job ends (rate-limiter.ts). Lining up on its own, each such job cost its
 * deliveries a round out to the delayed set and back: for single-event jobs, about 70 Redis commands a delivery.
 */
const MERGE_MAX_EVENTS = 50;

/**
 * How long a job pacing in place sleeps at least between two asks: half its burst's worth (at most
 * PACE_IN_PLACE_MAX_WAIT_MS). The limiter then grants what came free meanwhile, several at once, where asking at each
 * next slot cost a limiter call a delivery. Slots pile up for at most the burst tolerance (rate-limiter.ts,
 * gcraParameters), so a sleep that overran it would lose some: at half of it, a timer late by as much again on a
 * loaded machine still loses none (at the whole tolerance, 50 a second fell to 445 in 10 s under load), and the pace
 * stays the limit's.
 */
function paceStepMs(limit: RateLimit | null): number {
  return limit ? Math.min(PACE_IN_PLACE_MAX_WAIT_MS, gcraParameters(limit).toleranceMs / 2) : 0;
}

/** The worker's lockDuration (worker.ts), renewed by a job before each part it sends. */
const JOB_LOCK_MS = 6_000;

/** A job's run whose lock went to another run: it stops, the other run sends what is still pending. */
export class GroupLockLost extends Error {
  override name = 'GroupLockLost';
  constructor(jobId: string) {
    super(`group job ${jobId} lost its lock to another run; this run stops`);
  }
}

/** A delivery a job picked: which attempt it makes. */
type Pick = RetryEntry;

/**
 * What a job picked, taken a part at a time (an array is one). A group's first run makes each part's picks only when
 * it sends that part: a job of 500 holding all its picks until its last part kept them alive through young
 * collections, and the hundreds of group jobs that run at once after a burst promoted them all (bench/README.md,
 * seventeenth round).
 */
export interface Picks {
  readonly length: number;
  slice(start: number, end: number): Pick[];
}

/** A group's first attempts, each pick made when its part is sliced. */
function lazyFirstAttempts(subscriptionId: string, eventIds: readonly string[]): Picks {
  return { length: eventIds.length, slice: (start, end) => firstAttemptsOf(subscriptionId, eventIds.slice(start, end)) };
}

/** A group or retry job's data narrowed to the picks a deferred run has not sent yet. */
function unsentOnly(data: DeliveryJobData, rest: readonly Pick[]): DeliveryJobData {
  if (data.kind === 'group') {
    const eventIds = new Set(rest.map((pick) => pick.eventId));
    return { ...data, eventIds: data.eventIds.filter((eventId) => eventIds.has(eventId)) };
  }
  if (data.kind === 'retry' && 'deliveries' in data) {
    const deliveryIds = new Set(rest.map((pick) => pick.deliveryId));
    return { ...data, deliveries: data.deliveries.filter((entry) => deliveryIds.has(entry.deliveryId)) };
  }
  return data;
}

/**
 * Group jobs (first attempts) and retry jobs (later attempts, grouped by due time) differ only in what they pick; both
 * hand their picks to the engine a part at a time. Ordered jobs pick their subscription's head (ordered-delivery.ts).
 */
export function createDeliveryProcessor(context: DeliveryJobContext, engine: DeliveryEngine = engineFor(context)) {
  const { deliveries } = context;
  const steps = createDeliverySteps(context);

  async function holdLock(job: Job<DeliveryJobData>, token: string | undefined): Promise<void> {
    if (token && (await job.extendLock(token, JOB_LOCK_MS)) !== 1) throw new GroupLockLost(String(job.id));
  }

  /** A failed delivery whose next attempt was settled but may not have been scheduled (the run stopped in between). */
  function stranded(entry: Pick, state: DeliveryState): DueRetry {
    return { ...entry, attempt: state.attempts + 1, at: state.nextAttemptAt ?? Date.now() };
  }

  /** Group job: every delivery still pending gets its first attempt. */
  async function processGroup(job: Job<DeliveryJobData>, token: string | undefined, data: DeliveryGroupJobData): Promise<void> {
    const firstAttempts = lazyFirstAttempts(data.subscriptionId, data.eventIds);
    // A group's first run sends what the matcher found pending (fan-out.ts) without reading it again: only a run after
    // a step aside, a failure or a lost lock (BullMQ counts each start) may find some of it finished.
    if (job.attemptsStarted <= 1) {
      const mergeable = data.eventIds.length <= MERGE_MAX_EVENTS ? data.eventIds : undefined;
      // Merged into the line holder's waiting list: the job is over.
      if ((await processPicks(job, token, data.subscriptionId, firstAttempts, [], { retries: 'jobs' }, { mergeable })) === 'merged') return;
    } else {
      const entries = firstAttempts.slice(0, firstAttempts.length);
      const states = await deliveries.states(entries.map((entry) => entry.deliveryId));
      // A re-run group skips what it already finished; a first attempt that failed but lost its retry job gets it back.
      const picks = entries.filter((_, index) => states[index]?.status === 'pending');
      const lost = entries.flatMap((entry, index) => {
        const state = states[index];
        return state?.status === 'failed' && state.attempts === 1 ? [stranded(entry, state)] : [];
      });
      await processPicks(job, token, data.subscriptionId, picks, lost, { retries: 'jobs' });
    }
    await sendWaiting(job, token, data);
  }

  /** Retry job: each delivery whose state is where the job left it gets its next attempt. */
  async function processRetry(job: Job<DeliveryJobData>, token: string | undefined, data: Extract<DeliveryJobData, { kind: 'retry' }>): Promise<void> {
    const entries = retryEntriesOf(data);
    const final = data.final === true;
    // First attempts before retries (docs/delivery.md): on a busy endpoint the job waits whole (bounded), before it
    // reads states and loads payloads that would only wait in the endpoint's queue. An operator's attempt does not.
    const subscription = final ? undefined : await steps.loadSubscription(data.subscriptionId);
    if (subscription?.active) await engine.firstAttemptsServed(subscription);
    const states = await deliveries.states(entries.map((entry) => entry.deliveryId));
    const picks: Pick[] = [];
    const lost: DueRetry[] = [];
    entries.forEach((entry, index) => {
      const state = states[index];
      // A record gone with its TTL is still attempted (its payload decides); an operator's reset (pending) belongs to
      // the final job it added, a finished or moved-on delivery to nobody.
      if (!state || (state.attempts === entry.attempt - 1 && (state.status === 'failed' || (final && state.status === 'pending')))) picks.push(entry);
      else if (!final && state.status === 'failed' && state.attempts === entry.attempt) lost.push(stranded(entry, state));
    });
    // An operator's attempt at a delivery still on its ladder leaves it there should it fail.
    await processPicks(job, token, data.subscriptionId, picks, lost, { retries: 'jobs', final: final && !('keepsLadder' in data && data.keepsLadder === true) });
  }

  async function processPicks(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    subscriptionId: string,
    picks: Picks,
    lost: DueRetry[],
    options: PartOptions,
    waiting: { mergeable?: readonly string[]; startedAt?: number } = {},
  ): Promise<'merged' | undefined> {
    const { mergeable } = waiting;
    const subscription = await steps.loadSubscription(subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    if (!subscription || !profile || !subscription.active) {
      const open = [...picks.slice(0, picks.length), ...lost];
      await steps.abandon(
        subscriptionId,
        open.map((pick) => pick.deliveryId),
        open.map((pick) => pick.attempt - 1),
        subscription ? 'subscription inactive' : 'subscription deleted',
      );
      return;
    }
    if (lost.length > 0) await engine.scheduleRetries(subscription.id, profile.name, lost);
    if (picks.length === 0) return;
    if (engine.isCongested(subscription)) await steps.stepAside(job, token);
    // A line holder's run paces in place for PACE_IN_PLACE_MAX_RUN_MS in all, however many parts of its list it sends.
    const started = waiting.startedAt ?? Date.now();
    let sent = 0;
    while (sent < picks.length) {
      const line: LineTicket | undefined = subscription.rate_limit
        ? { ticket: lineTicketOf(job), units: unitsPerTurn(subscription.rate_limit, picks.length - sent), ...(sent === 0 && lost.length === 0 && mergeable ? { mergeable } : {}) }
        : undefined;
      const grant = await context.limiter.acquire(subscription.id, subscription.rate_limit, picks.length - sent, line);
      if (grant.merged) {
        await keepMergedPayloads(profile, subscription, mergeable ?? [], grant.waitMs);
        context.metrics.deliveriesThrottled.inc({ profile: profile.name }, picks.length);
        return 'merged';
      }
      if (grant.granted > 0) {
        const { stalled, gone } = await sendParts(subscription, profile, picks, sent, sent + grant.granted, options, () => holdLock(job, token));
        if (gone) {
          await steps.abandon(
            subscription.id,
            gone.map((pick) => pick.deliveryId),
            gone.map((pick) => pick.attempt - 1),
            'endpoint gone',
          );
          return;
        }
        // The endpoint stalled: what was not sent stays as it was, and the job comes back later with it.
        if (stalled) await steps.stepAside(job, token);
        sent += grant.granted;
      }
      if (sent === picks.length) break;
      // A short wait is paced in place; a long one (or a long run) hands the slot back and comes back later.
      if (grant.waitMs <= PACE_IN_PLACE_MAX_WAIT_MS && Date.now() - started < PACE_IN_PLACE_MAX_RUN_MS) await sleep(Math.max(grant.waitMs, paceStepMs(subscription.rate_limit)));
      else {
        // Its turn over with work left, a job goes to the end of the subscription's line (rate-limiter.ts); an
        // endpoint's pause without a limit ends for every job at once.
        const limit = subscription.rate_limit;
        const waitMs = line && limit && !grant.inLine ? await context.limiter.lineUp(subscription.id, limit, line) : grant.waitMs;
        // The run that comes back takes only what this one did not send: a poll subscription's deliveries stay
        // pending once handed over, so a run after a deferral would pick them again, spend the limiter's grants on
        // appending them again (nothing is added twice) and never reach the rest.
        if (sent > 0) await job.updateData(unsentOnly(job.data, picks.slice(sent, picks.length)));
        await steps.deferRest(job, token, profile.name, picks.length - sent, waitMs, { ladderMs: retryLadderMs(profile, subscription), lookAgainMs: MAX_LINE_WAIT_MS });
      }
    }
  }

  /**
   * A merged job's events wait in the holder's list, not in a job whose deferral keeps their payloads: a wait long
   * enough to outlast the grace in a payload's lifetime keeps them for it and the whole ladder still, as a deferred
   * job's would be (delivery-steps.ts, deferRest).
   */
  async function keepMergedPayloads(profile: ProviderProfile, subscription: Subscription, eventIds: readonly string[], waitMs: number): Promise<void> {
    if (waitMs <= LAST_ATTEMPT_GRACE_MS / 2) return;
    const untilMs = Date.now() + waitMs + lastAttemptWithinMs({ ladderMs: retryLadderMs(profile, subscription), delayMs: 0, scale: context.config.retryDelayScale });
    await context.events.keepPayloadsUntil(eventIds.map((id) => ({ id, untilMs })));
  }

  /**
   * The job's picks from `from` to `to`, a part at a time: each part's picks, payloads and outcomes are let go when it
   * ends. Before each later part the job's lock is extended: a run that lost it (its worker paused past the lock, so
   * BullMQ gave the job to another run) stops here instead of sending the rest a second time.
   */
  async function sendParts(
    subscription: Subscription,
    profile: ProviderProfile,
    picks: Picks,
    from: number,
    to: number,
    options: PartOptions,
    renewLock: () => Promise<void>,
  ): Promise<{ stalled: boolean; gone?: Pick[] }> {
    // A group of 500 holds a part's payloads and outcomes at a time, not all 500 until its last answer; a part is
    // smaller against a slow endpoint, so that what a worker dies with unrecorded stays small (part-size.ts).
    for (let start = from; start < to;) {
      if (start > from) await renewLock();
      const end = Math.min(to, start + engine.partSize(subscription));
      const part = picks.slice(start, end);
      const items = await steps.loadItems(subscription.id, part);
      start = end;
      const { stalled, gone, attempted } = await engine.runPart(subscription, profile, items, options);
      if (gone) {
        // The endpoint said the subscription is over: what this job has not sent (the whole rest, not only this
        // grant's) is not sent to it, and ends dead like an inactive subscription's waiting deliveries.
        const sentIds = new Set(attempted.map(({ item }) => item.deliveryId));
        const loaded = new Set(items.map((item) => item.deliveryId));
        const unsent = part.filter((pick) => loaded.has(pick.deliveryId) && !sentIds.has(pick.deliveryId));
        return { stalled: false, gone: [...unsent, ...picks.slice(end, picks.length)] };
      }
      if (stalled) return { stalled: true };
    }
    return { stalled: false };
  }

  const processOrdered = createOrderedProcessor(context, engine, holdLock);
  const processBatch = createBatchProcessor(context, engine, holdLock);
  // A line holder's waiting list (waiting-list-drain.ts), sent after the group's own events.
  const sendWaiting = createWaitingListDrain(context, steps, { lineTicketOf, unitsPerTurn, firstAttempts: lazyFirstAttempts, processPicks });

  return async function processDelivery(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    if (job.data.kind === 'group') await processGroup(job, token, job.data);
    else if (job.data.kind === 'ordered') await processOrdered(job, token, job.data);
    else if (job.data.kind === 'batch') await processBatch(job, token, job.data);
    else await processRetry(job, token, job.data);
  };
}
