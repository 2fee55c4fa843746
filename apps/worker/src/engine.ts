import { destinationType, type SigningKeyPair, type StoredEvent, type Subscription } from '@hookfleet/core';
import { buildAndSend, type Destination, type Judgement, type SendOutcome, type Verdict } from '@hookfleet/delivery';
import type { BookkeepingEffect, ProviderProfile } from '@hookfleet/profiles';
import { statusClass, type HookfleetMetrics } from '@hookfleet/metrics';
import { addJobs, groupRetries, retryBucketMs, type DueRetry, type HookfleetQueues } from '@hookfleet/queue';
import { eventReceivedAtMs, type AttemptResult, type DeliveryStore, type RateLimiter, type Settled, type SubscriptionStore } from '@hookfleet/store';
import type { Logger } from 'pino';
import { circuitPauseMs } from './circuit-breaker.js';
import { mapWithLimit } from './bounded-map.js';
import { attemptBatches } from './batch-attempt.js';
import { judgeAttempt } from './judge-attempt.js';
import { resultOf } from './attempt-result.js';
import { retryKeepUntil } from './retry-keep.js';
import { applySubscriptionEffects } from './subscription-effects.js';
import type { PollAppend } from './poll-append.js';
import { AttemptPace, PART_IN_FLIGHT, PART_SIZE } from './part-size.js';
import type { DeadDelivery, FailedAttempt, FailureLog } from './failure-log.js';

/** One delivery to attempt: its event and the attempt number this is (1 for the first). */
export interface AttemptItem {
  deliveryId: string;
  event: StoredEvent;
  attempt: number;
  /** No record exists yet (a batch member handed over at acceptance): its settle writes the record whole. */
  unrecorded?: boolean;
}

/** One attempt made and judged. */
export interface Attempted {
  item: AttemptItem;
  verdict: Verdict;
}

export interface PartOptions {
  /** An operator's one more attempt: a failure ends the delivery dead. */
  final?: boolean;
  /**
   * Who makes a failed delivery's next attempt: `jobs` — retry jobs, grouped by due time (group and retry jobs);
   * `caller` — the caller, in place (an ordered subscription's head holds its turn while it waits).
   */
  retries: 'jobs' | 'caller';
}

export interface EngineParts {
  destination: Destination;
  deliveries: DeliveryStore;
  subscriptions: SubscriptionStore;
  limiter: RateLimiter;
  queues: Pick<HookfleetQueues, 'retriesFor'>;
  metrics: HookfleetMetrics;
  logger: Logger;
  /**
   * The `deliveries failed`, `delivery dead` and `endpoint circuit open` lines: each one a subscription per interval,
   * however many parts failed (failure-log.ts).
   */
  failureLog: FailureLog;
  retryDelayScale: number;
  /** HOOKFLEET_EVENT_RETENTION_HOURS in milliseconds. */
  retentionMs: number;
  /** Retention 0: drops the events whose last delivery just ended (housekeeping after settle). */
  releaseEnded?: (results: readonly AttemptResult[]) => Promise<void>;
  /** The send step of poll subscriptions: their deliveries go to the subscription's log, settled when fetched. */
  appendToPollLog?: PollAppend;
  /** A tenant's key pairs for `v1a` signatures, read through a cache (signing-key-cache.ts). */
  signingKeys?: (tenant: string) => Promise<readonly SigningKeyPair[]>;
}

export interface Judged {
  item: AttemptItem;
  judgement: Judgement;
  outcome: Exclude<SendOutcome, { kind: 'stalled' }>;
  sentAt: Date;
  /** The batch it went out in (a subscription with `batch`). */
  batchId?: string;
}

/**
 * The delivery engine (docs/architecture.md, "The delivery engine"): build → send → judge → settle → schedule, the one
 * path every kind of delivery job takes after it has picked what to attempt. Group, retry and ordered jobs differ
 * only in what they pick and when; none has steps of its own after an attempt.
 */
export function createEngine(parts: EngineParts) {
  const { destination, deliveries, metrics, logger } = parts;
  const bucketMs = retryBucketMs(parts.retryDelayScale);
  /** Each subscription's recent time an attempt takes: how large its next part is (part-size.ts). */
  const pace = new AttemptPace();

  /** Build → send → judge for one delivery; null when it was not sent (its destination stalled: it stays as it was). */
  async function attemptOne(
    subscription: Subscription,
    profile: ProviderProfile,
    item: AttemptItem,
    final: boolean,
    signingKeys: readonly SigningKeyPair[] | undefined,
  ): Promise<Judged | null> {
    const { outcome, sentAt } = await buildAndSend(destination, profile, {
      deliveryId: item.deliveryId,
      event: item.event,
      subscription,
      attempt: item.attempt,
      signingKeys,
    });
    if (outcome.kind === 'stalled') return null;
    const judgement = judgeAttempt(parts, subscription, profile, item, outcome, sentAt, final);
    return { item, judgement, outcome, sentAt };
  }

  /** A part's metrics and logs: the attempt counter once per label set, each histogram's labels looked up once. */
  function observe(profile: string, subscriptionId: string, destinationKind: string, judged: readonly Judged[]): void {
    const attempts = new Map<string, { outcome: string; statusClass: string; count: number }>();
    const duration = metrics.deliveryDuration.labels({ profile });
    let lag: ReturnType<typeof metrics.deliveryLag.labels> | undefined;
    const dead: DeadDelivery[] = [];
    const failed: FailedAttempt[] = [];
    const now = Date.now();
    let sentMs = 0;
    let sent = 0;
    for (const { item, judgement, outcome } of judged) {
      const { verdict, label, error } = judgement;
      const code = outcome.kind === 'unbuildable' ? null : outcome.code;
      const statusClassOf = statusClass(code);
      const key = `${label}\0${statusClassOf}`;
      const counted = attempts.get(key);
      if (counted) counted.count += 1;
      else attempts.set(key, { outcome: label, statusClass: statusClassOf, count: 1 });
      const durationMs = outcome.kind === 'unbuildable' ? 0 : outcome.durationMs;
      duration.observe(durationMs / 1000);
      if (outcome.kind !== 'unbuildable') {
        sentMs += durationMs;
        sent += 1;
      }
      if (verdict.kind === 'delivered') {
        lag ??= metrics.deliveryLag.labels({ profile });
        lag.observe((now - eventReceivedAtMs(item.event)) / 1000);
        continue;
      }
      if (verdict.kind === 'dead' || verdict.kind === 'gone') {
        dead.push({ deliveryId: item.deliveryId, attempt: item.attempt, code: String(code ?? outcome.kind), statusCode: code, error });
        continue;
      }
      failed.push({ deliveryId: item.deliveryId, attempt: item.attempt, code: String(code ?? outcome.kind), error });
    }
    parts.failureLog.record(profile, subscriptionId, failed);
    parts.failureLog.dead(profile, subscriptionId, dead);
    for (const { outcome, statusClass: status_class, count } of attempts.values())
      metrics.deliveryAttempts.inc({ profile, outcome, status_class, destination: destinationKind }, count);
    if (dead.length > 0) metrics.deliveriesDead.inc({ profile }, dead.length);
    if (sent > 0) pace.record(subscriptionId, sentMs / sent);
  }

  /**
   * The settle step: every attempt of the part written in one checked round trip (DeliveryStore.settle), with the
   * pause an endpoint asked for (so no worker sends to it once its answer is recorded). A refused
   * write throws: the part's job runs again, and what it had sent is sent again (at least once).
   */
  async function settle(
    subscription: Subscription,
    profile: ProviderProfile,
    judged: readonly Judged[],
  ): Promise<{ results: AttemptResult[]; settled: Settled }> {
    const results = judged.map((entry) => {
      const result = resultOf(subscription.id, entry);
      const { verdict } = entry.judgement;
      // A retry past what the payload was kept for at acceptance keeps it (and the record) longer, in settle's round trip.
      if (verdict.kind === 'retry') {
        const keepUntil = retryKeepUntil(parts, subscription, profile, entry.item.attempt, verdict.at, result.eventReceivedAt);
        if (keepUntil !== null) result.keepUntil = keepUntil;
      }
      return result;
    });
    const anyFailed = results.some((result) => result.status !== 'delivered');
    const pauseMs = Math.max(0, ...judged.map(({ judgement }) => judgement.pauseMs));
    const settled = await deliveries.settle(results, {
      subscriptionId: subscription.id,
      readBookkeeping: anyFailed && profile.disableWhen !== undefined,
      pauseMs,
    });
    return { results, settled };
  }

  /**
   * The schedule step: what comes after the part's outcomes are safe — failed deliveries' next attempts (retry jobs,
   * one per time bucket), the circuit breaker's pause of an endpoint that keeps failing, and the subscription's end
   * when its profile says so. Every step here is safe to do again when the part runs again.
   */
  async function schedule(
    subscription: Subscription,
    profile: ProviderProfile,
    judged: readonly Judged[],
    settled: Settled,
    options: PartOptions,
  ): Promise<void> {
    if (options.retries === 'jobs') {
      const due: DueRetry[] = judged.flatMap(({ item, judgement: { verdict } }) =>
        verdict.kind === 'retry' ? [{ deliveryId: item.deliveryId, eventId: item.event.id, attempt: item.attempt + 1, at: verdict.at }] : [],
      );
      await scheduleRetries(subscription.id, profile.name, due);
    }
    // The endpoint's own pause was written by settle; the circuit breaker's needs the streak settle returned.
    const askedMs = Math.max(0, ...judged.map(({ judgement }) => judgement.pauseMs));
    const circuitMs = settled.streak ? circuitPauseMs(settled.streak, Date.now(), parts.retryDelayScale) : 0;
    if (circuitMs > askedMs) {
      parts.failureLog.circuitOpen(profile.name, subscription.id, settled.streak?.consecutiveFailures, circuitMs);
      await parts.limiter.pause(subscription.id, circuitMs);
    }
    const effects: Array<BookkeepingEffect | undefined> = judged.map(({ judgement }) => judgement.bookkeeping);
    // The profile's disable rule on the bookkeeping as stored after this part (read in settle's round trip).
    const disable = settled.bookkeeping && profile.disableWhen?.(settled.bookkeeping);
    if (disable) effects.push({ disable });
    await applySubscriptionEffects({ subscriptions: parts.subscriptions, metrics, logger }, subscription, effects);
  }

  /** Adds the retry jobs of `due` (failed deliveries' next attempts), one per subscription and time bucket. */
  async function scheduleRetries(subscriptionId: string, profile: string, due: readonly DueRetry[]): Promise<void> {
    if (due.length === 0) return;
    await addJobs(parts.queues.retriesFor(subscriptionId), groupRetries(subscriptionId, profile, due, bucketMs, Date.now()));
  }

  /**
   * One part of a subscription's deliveries through every step. `stalled`: the destination stopped taking requests
   * part-way; what was not sent is untouched (the caller's job steps aside and comes back for it). `gone`: an attempt
   * ended the subscription (410 Gone: schedule has disabled or removed it), so the caller sends it nothing more — the
   * subscription it holds still reads active, and so does the worker's index until its next poll.
   */
  async function runPart(
    subscription: Subscription,
    profile: ProviderProfile,
    items: readonly AttemptItem[],
    options: PartOptions,
  ): Promise<{ stalled: boolean; gone: boolean; attempted: Attempted[] }> {
    let stalled = false;
    // Read once per part, and only for v1a subscriptions: the others' path has no read and no await more.
    const signingKeys = subscription.signature === 'v1a' ? await parts.signingKeys?.(subscription.tenant) : undefined;
    // A poll subscription's deliveries are handed over to its log, not judged: they stay pending until fetched.
    if (parts.appendToPollLog && subscription.destination?.type === 'poll') {
      await parts.appendToPollLog(subscription, profile, items, signingKeys);
      return { stalled: false, gone: false, attempted: [] };
    }
    let judged: Judged[];
    if (subscription.batch) {
      // A batching subscription's part goes out in POSTs of up to max_events, judged once each (batch-attempt.ts).
      const batches = await attemptBatches(parts, subscription, profile, items, subscription.batch.max_events, options.final === true, signingKeys);
      stalled = batches.includes(null);
      judged = batches.flatMap((batch) => batch ?? []);
    } else {
      // First attempts behind a busy endpoint wait here as one part, not each half-started in its slot queue.
      const firstAttempts = destination.roomForFirstAttempts && items[0]?.attempt === 1;
      const started = firstAttempts ? await destination.roomForFirstAttempts?.(subscription, Math.min(PART_IN_FLIGHT, items.length)) : undefined;
      let attempts: Promise<Array<Judged | null>>;
      try {
        // mapWithLimit starts its first PART_IN_FLIGHT attempts before it returns: each is in the destination's
        // queue (or in flight) by the time `started` says so.
        attempts = mapWithLimit(items, PART_IN_FLIGHT, async (item) => {
          // Once the destination stalled, the rest is not started.
          if (stalled) return null;
          const judgedOne = await attemptOne(subscription, profile, item, options.final === true, signingKeys);
          if (!judgedOne) stalled = true;
          return judgedOne;
        });
      } finally {
        started?.();
      }
      judged = (await attempts).filter((entry): entry is Judged => entry !== null);
    }
    if (judged.length === 0) return { stalled, gone: false, attempted: [] };
    observe(profile.name, subscription.id, destinationType(subscription), judged);
    const { results, settled } = await settle(subscription, profile, judged);
    await parts.releaseEnded?.(results);
    await schedule(subscription, profile, judged, settled, options);
    return {
      stalled,
      gone: judged.some(({ judgement }) => judgement.verdict.kind === 'gone'),
      attempted: judged.map(({ item, judgement }) => ({ item, verdict: judgement.verdict })),
    };
  }

  return {
    runPart,
    scheduleRetries,
    /**
     * How many deliveries this subscription's next part holds: at its endpoint's recent pace (part-size.ts), or the
     * largest for a batching subscription (its part goes out in POSTs of its own size) and a poll one (nothing is
     * sent: its part is appended to its log in one script).
     */
    partSize: (subscription: Subscription) => (subscription.batch || subscription.destination?.type === 'poll' ? PART_SIZE : pace.partSize(subscription.id)),
    isCongested: (subscription: Subscription) => destination.isCongested(subscription),
    /** Where a retry job waits, before it reads or loads anything, while first attempts queue for its destination. */
    firstAttemptsServed: (subscription: Subscription) => destination.firstAttemptsServed?.(subscription) ?? Promise.resolve(),
  };
}

export type DeliveryEngine = ReturnType<typeof createEngine>;
