import { DelayedError, type Job } from 'bullmq';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { findProfile, LAST_ATTEMPT_GRACE_MS, lastAttemptWithinMs, type BookkeepingEffect, type ProviderProfile } from '@hookfleet/profiles';
import type { DeliveryJobData } from '@hookfleet/queue';
import { statusClass } from '@hookfleet/metrics';
import type { AttemptResult } from '@hookfleet/store';
import type { WorkerContext } from './context.js';
import type { AttemptDecision } from './attempt.js';
import { circuitPauseMs } from './circuit-breaker.js';

/** How long a job for a congested endpoint steps aside. */
export const CONGESTION_BACKOFF_MS = 1000;

/** The steps every kind of delivery job shares: load, observe, record, give up, step aside, pause. */
export function createDeliverySteps(context: WorkerContext) {
  const { config, deliveries, metrics, logger } = context;

  async function loadSubscription(id: string): Promise<Subscription | null> {
    const cached = context.index.get(id);
    // The cache may be a poll behind: before giving deliveries up for an inactive or missing subscription, ask Redis.
    if (cached?.active) return cached;
    return context.subscriptions.get(id);
  }

  /**
   * The profile's disable rule on the stored bookkeeping, read after this job's attempts were recorded; only failures
   * move a subscription towards it, so a batch that all succeeded costs no read.
   */
  async function storedBookkeepingRule(profile: ProviderProfile, subscriptionId: string, decisions: readonly AttemptDecision[]): Promise<BookkeepingEffect | undefined> {
    if (!profile.disableWhen || decisions.every((decision) => decision.verdict === 'delivered')) return undefined;
    const reason = profile.disableWhen(await context.subscriptions.bookkeeping(subscriptionId));
    return reason ? { disable: reason } : undefined;
  }

  function observe(profile: string, decision: AttemptDecision, event: StoredEvent): void {
    metrics.deliveryAttempts.inc({ profile, outcome: decision.outcome, status_class: statusClass(decision.statusCode) });
    metrics.deliveryDuration.observe({ profile }, decision.durationMs / 1000);
    if (decision.verdict === 'delivered') metrics.deliveryLag.observe({ profile }, (Date.now() - Date.parse(event.received_at)) / 1000);
    if (decision.verdict === 'dead') metrics.deliveriesDead.inc({ profile });
    if (decision.verdict !== 'delivered') {
      const fields = { profile, delivery_id: decision.record.delivery_id, attempt: decision.record.attempt, status_code: decision.statusCode, error: decision.record.error };
      if (decision.verdict === 'dead') logger.warn(fields, 'delivery dead');
      else logger.info(fields, 'delivery failed');
    }
  }

  function toResult(subscriptionId: string, decision: AttemptDecision, event: StoredEvent): AttemptResult {
    return {
      eventReceivedAt: Date.parse(event.received_at),
      deliveryId: decision.record.delivery_id,
      subscriptionId,
      status: decision.status,
      attempts: decision.record.attempt,
      nextAttemptAt: decision.retryDelayMs === null ? null : Date.now() + decision.retryDelayMs,
      record: decision.record,
      bookkeeping: decision.bookkeeping,
    };
  }

  /** Marks deliveries that can no longer be attempted (subscription gone or inactive, payload expired) as dead. */
  async function abandon(subscriptionId: string, deliveryIds: string[], attempts: number[], reason: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    await deliveries.markDead(deliveryIds.map((id, index) => ({ id, subscriptionId, attempts: attempts[index] ?? 0 })));
    logger.info({ subscription_id: subscriptionId, count: deliveryIds.length, reason }, 'deliveries abandoned');
  }

  /** A stalled endpoint's backlog is full here: come back later rather than sit in a worker slot (isolation). */
  async function stepAside(job: Job<DeliveryJobData>, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + CONGESTION_BACKOFF_MS, token);
    throw new DelayedError();
  }

  /**
   * The limiter (and the endpoint's own pause) allowed only part of the work: wait outside the worker slot. A long wait
   * is a pause the ladder does not know of (an endpoint paused by another delivery's Retry-After), so the job's payloads
   * are kept past it for the whole ladder still; a shorter one is absorbed by the grace in the payload's lifetime
   * (docs/delivery.md, "How long a payload is kept"), and costs no write.
   */
  async function deferRest(job: Job<DeliveryJobData>, token: string | undefined, profile: string, deferred: number, waitMs: number): Promise<never> {
    metrics.deliveriesThrottled.inc({ profile }, deferred);
    if (waitMs > LAST_ATTEMPT_GRACE_MS / 2) {
      const ladderMs = findProfile(profile)?.retryDelaysMs ?? [];
      const untilMs = Date.now() + waitMs + lastAttemptWithinMs({ ladderMs, delayMs: 0, scale: config.retryDelayScale });
      const eventIds = job.data.kind === 'retry' ? [job.data.eventId] : job.data.eventIds;
      await context.events.keepPayloadsUntil(eventIds.map((id) => ({ id, untilMs })));
    }
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }

  /**
   * An endpoint that answered 429/503 with Retry-After gets nothing from any worker until then; one that has failed
   * every attempt for a while is backed off as a whole (circuit open) until a probe succeeds.
   */
  async function honourPause(subscriptionId: string, decisions: readonly AttemptDecision[]): Promise<void> {
    const failures = decisions.filter((decision) => decision.verdict !== 'delivered').length;
    const successes = decisions.length - failures;
    let pauseMs = Math.max(0, ...decisions.map((decision) => decision.retryAfterMs ?? 0));
    if (failures > 0 && successes === 0) {
      const streak = await context.health.record(subscriptionId, 0, failures);
      const circuitMs = circuitPauseMs(streak, Date.now(), config.retryDelayScale);
      if (circuitMs > pauseMs) {
        pauseMs = circuitMs;
        logger.warn({ subscription_id: subscriptionId, consecutive_failures: streak?.consecutiveFailures, pause_ms: circuitMs }, 'endpoint circuit open');
      }
    }
    if (pauseMs > 0) await context.limiter.pause(subscriptionId, pauseMs);
  }

  return { loadSubscription, storedBookkeepingRule, observe, toResult, abandon, stepAside, deferRest, honourPause };
}

export type DeliverySteps = ReturnType<typeof createDeliverySteps>;
