import { Conflict, type Subscription } from '@hookfleet/core';

/**
 * An inactive subscription receives nothing: sending it a retry, a recover or a replay would only end each delivery
 * dead again without an attempt, so each is a 409 that says how to enable it (the API, the CLI, the portal's toggle).
 */
export function assertActive(subscription: Subscription, then: 'retry' | 'recover or replay'): void {
  if (subscription.active) return;
  throw new Conflict(
    `subscription ${subscription.id} is inactive (${subscription.disabled_reason ?? 'manual'}): enable it first (PATCH active: true, or hookfleet subscriptions enable ${subscription.id}), then ${then}`,
  );
}
