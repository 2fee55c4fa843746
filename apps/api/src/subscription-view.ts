import { publicDestination, type Subscription } from '@hookfleet/core';

/** The native API's view of a subscription (provider-specific compat fields stay inside). */
export function publicSubscription(subscription: Subscription) {
  return {
    id: subscription.id,
    tenant: subscription.tenant,
    profile: subscription.profile,
    url: subscription.url,
    destination: publicDestination(subscription),
    batch: subscription.batch ?? null,
    events: subscription.events,
    secret: subscription.secret,
    previous_secret_expires_at: subscription.previous_secrets?.[0]?.expires_at ?? null,
    signature: subscription.signature ?? 'v1',
    description: subscription.description,
    metadata: subscription.metadata,
    active: subscription.active,
    disabled_reason: subscription.disabled_reason,
    created_by: subscription.created_by,
    delay_seconds: subscription.delay_seconds,
    rate_limit: subscription.rate_limit,
    ordered: subscription.ordered ?? false,
    filter: subscription.filter ?? null,
    headers: subscription.headers ?? {},
    retry: subscription.retry ?? null,
    timeout_ms: subscription.timeout_ms ?? null,
    created_at: subscription.created_at,
    updated_at: subscription.updated_at,
  };
}
