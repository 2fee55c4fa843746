import type { Subscription } from '@hookfleet/core';
import { lastAttemptWithinMs, payloadKeepMs, retryLadderMs, type ProviderProfile } from '@hookfleet/profiles';
import type { JudgeParts } from './judge-attempt.js';

/**
 * Until when a failed delivery's payload and record must be kept once its retry is scheduled for `retryAt`: the
 * attempts its ladder in force still allows after that one (lastAttemptWithinMs of the steps left, with the grace),
 * or null when what its event's acceptance gave the payload (its profile's ladder, EventStore.payloadTtlSecondsOf)
 * already covers them. A subscription's own ladder made longer by PATCH while it retried was judged against the new
 * ladder, but its payload had been kept for the old one: its later attempts died "event payload expired". Pure, and
 * only asked for retries: a success, most attempts, costs nothing; a retry inside its profile's ladder, no write.
 */
export function retryKeepUntil(
  parts: JudgeParts,
  subscription: Subscription,
  profile: ProviderProfile,
  attemptsMade: number,
  retryAt: number,
  eventReceivedAt: number,
): number | null {
  const scale = parts.retryDelayScale;
  const untilMs = retryAt + lastAttemptWithinMs({ ladderMs: retryLadderMs(profile, subscription).slice(attemptsMade), delayMs: 0, scale });
  const acceptedMs = payloadKeepMs(parts.retentionMs, [{ ladderMs: profile.retryDelaysMs, delayMs: 0, scale }]);
  return untilMs > eventReceivedAt + acceptedMs ? untilMs : null;
}
