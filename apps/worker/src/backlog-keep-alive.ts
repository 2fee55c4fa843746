import type { Subscription } from '@hookfleet/core';
import { LAST_ATTEMPT_GRACE_MS, lastAttemptWithinMs, retryLadderMs, type ProviderProfile } from '@hookfleet/profiles';
import type { DeliveryStore, OrderedBacklog } from '@hookfleet/store';

/**
 * An ordered backlog is kept alive again at most this often while its head waits: half the grace in a payload's
 * lifetime (packages/profiles/src/payload-lifetime.ts), which absorbs what an entry added since the last keeping
 * may still need (docs/delivery.md, "Ordered subscriptions").
 */
export const KEEP_AGAIN_AFTER_MS = LAST_ATTEMPT_GRACE_MS / 2;

export interface BacklogLife {
  now: number;
  /** How long the head waits now (its retry's delay, a deferral, a step aside). */
  waitMs: number;
  /** What an entry needs once it becomes head: its whole ladder, with the grace (lastAttemptWithinMs, no delay). */
  needMs: number;
  /** How long a delivery record lives from its creation (DeliveryStore.ttlSeconds). */
  recordTtlMs: number;
  /**
   * Since when every waiting entry is known to have its whole life ahead: the head's acceptance (no entry was accepted
   * before the head, which sorts first: each was given a payload for its ladder and a record of recordTtlMs then), or
   * the last keeping, when later (an entry added since was accepted after it).
   */
  since: number;
}

/**
 * Until when the backlog's entries must be kept so that the next one still has its whole ladder once the head's
 * wait ends, or null when what they were given suffices (half the grace may go to the wait, as a deferral's does:
 * docs/delivery.md, "How long a payload is kept"). Pure: the wait paths ask it before any round trip.
 */
export function backlogKeepUntil({ now, waitMs, needMs, recordTtlMs, since }: BacklogLife): number | null {
  const untilMs = now + waitMs + needMs;
  return untilMs - KEEP_AGAIN_AFTER_MS <= since + Math.min(needMs, recordTtlMs) ? null : untilMs;
}

/**
 * Keeps an ordered subscription's waiting deliveries attemptable while its head waits (a retry, a deferral, a step
 * aside): without it their payloads and records expired on the clock of their acceptance, and an endpoint down about
 * 33 h left every follower dead "event payload expired" with no attempt, or gone with no record at all. Costs nothing
 * while the head's own acceptance covers the wait (the common failure: a retry or two soon after it); after that one
 * read a wait, and the backlog's keeping (a round trip per 500 entries) at most once per KEEP_AGAIN_AFTER_MS of waiting.
 */
export function createBacklogKeepAlive(parts: { backlog: OrderedBacklog; deliveries: DeliveryStore; retryDelayScale: number }) {
  const recordTtlMs = parts.deliveries.ttlSeconds * 1000;
  return async function keepBacklogAlive(subscription: Subscription, profile: ProviderProfile, headReceivedAt: number, waitMs: number): Promise<void> {
    const needMs = lastAttemptWithinMs({ ladderMs: retryLadderMs(profile, subscription), delayMs: 0, scale: parts.retryDelayScale });
    const now = Date.now();
    const life = { now, waitMs, needMs, recordTtlMs, since: headReceivedAt };
    if (backlogKeepUntil(life) === null) return;
    const keptAt = await parts.backlog.keptAt(subscription.id);
    const untilMs = backlogKeepUntil({ ...life, since: Math.max(headReceivedAt, keptAt ?? Number.NEGATIVE_INFINITY) });
    if (untilMs !== null) await parts.backlog.keepEntriesUntil(subscription.id, untilMs, KEEP_AGAIN_AFTER_MS, now);
  };
}
