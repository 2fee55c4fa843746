import { MAX_DELAY_SECONDS } from '@hookfleet/core';
import { lastAttemptWithinMs, profiles } from '@hookfleet/profiles';

/** A delivery record is kept at least this long (docs/delivery.md, "How long a payload is kept"). */
const MIN_RECORD_TTL_SECONDS = 48 * 3600;

/**
 * How long a delivery record lives from its creation (DeliveryStore.ttlSeconds): past its event's payload, past the
 * last attempt any profile's ladder can make with the longest `delay_seconds`, and 48 h at least. The worker and the
 * API use the same: the subscription's indexes are trimmed by it, by either of them (create-deliveries.ts,
 * status-index.ts), and a shorter one in the API dropped entries whose records the worker still kept.
 */
export function recordTtlSeconds(payloadTtlSeconds: number, retryDelayScale: number): number {
  const lastAttemptMs = Math.max(
    ...profiles.map((profile) => lastAttemptWithinMs({ ladderMs: profile.retryDelaysMs, delayMs: MAX_DELAY_SECONDS * 1000, scale: retryDelayScale })),
  );
  return Math.ceil(Math.max(payloadTtlSeconds, MIN_RECORD_TTL_SECONDS, lastAttemptMs / 1000));
}
