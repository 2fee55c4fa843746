import type { BatchOptions, Destination } from './destination-schema.js';
import { publicDestination } from './destination-schema.js';
import type { Subscription } from './domain.js';
import type { EventFilter } from './event-filter-schema.js';
import type { CustomHeaders, RetryOptions } from './endpoint-options.js';
import type { SignatureScheme } from './signing-keys.js';

/**
 * A subscription as the native API answers it (the /v1/subscriptions routes), read by the SDK and the portal: every
 * option given, none absent (a record stored before an option existed shows its default); the provider-specific
 * compat fields stay inside; of the previous secrets only when the last one stops signing.
 */
export type SubscriptionView = Omit<
  Subscription,
  'compat' | 'previous_secrets' | 'destination' | 'batch' | 'signature' | 'ordered' | 'filter' | 'headers' | 'retry' | 'timeout_ms'
> & {
  /** Where deliveries go, HTTP included; broker passwords shown as `***`. */
  destination: Destination;
  batch: BatchOptions | null;
  previous_secret_expires_at: string | null;
  /** `v1` (HMAC with `secret`) or `v1a` (ed25519 with the tenant's key pair). */
  signature: SignatureScheme;
  ordered: boolean;
  /** Only events it takes are delivered; null: every event of `events`. */
  filter: EventFilter | null;
  /** Sent on every attempt; `{}` when none. */
  headers: CustomHeaders;
  /** Its own retry ladder; null: the profile's. */
  retry: RetryOptions | null;
  /** Whole-request timeout of one attempt in ms; null: the fleet's DELIVERY_TIMEOUT_MS. */
  timeout_ms: number | null;
};

/** The native API's view of a stored subscription. */
export function publicSubscription(subscription: Subscription): SubscriptionView {
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
