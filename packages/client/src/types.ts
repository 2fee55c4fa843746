import type { z } from 'zod';
import type {
  apiKeyRotateSchema,
  AttemptRecord,
  Delivery,
  eventInputSchema,
  listQuerySchema,
  rotateSecretSchema,
  StoredEvent,
  subscriptionCreateSchema,
  subscriptionPatchSchema,
  SubscriptionView,
  Tenant,
  tenantCreateSchema,
} from '@hookfleet/core';

// Inputs are the API's own zod schemas (packages/core/src/schemas.ts), as the caller writes them.

/** An event to publish. Without `id` the client generates one (`evt_…`) before the first try. */
export type EventInput = Omit<z.input<typeof eventInputSchema>, 'data'> & {
  // The schema refuses a missing `data` at run time; saying so here catches it at compile time too.
  data: unknown;
};
export type TenantInput = z.input<typeof tenantCreateSchema>;
/** `tenant` is for the operator token; a tenant key implies its own tenant. */
export type SubscriptionInput = z.input<typeof subscriptionCreateSchema>;
export type SubscriptionUpdate = z.input<typeof subscriptionPatchSchema>;
/** The new secret (a `standard` one: `whsec_` + base64); without it the API generates one. */
export type RotateSecretInput = z.input<typeof rotateSecretSchema>;
/** `tenant` is required with the operator token, ignored with a tenant key. */
export type SubscriptionListQuery = Omit<z.input<typeof listQuerySchema>, 'limit'> & { limit?: number; tenant?: string };

// Answers are the core domain types, as the API's routes send them.

export type { BatchOptions, CustomHeaders, Destination, EventFilter, RetryOptions } from '@hookfleet/core';
export type { PublicSigningKey, SignatureScheme, SigningKeySet } from '@hookfleet/core';
export type { AttemptRecord, Delivery, DeliveryListEntry, DeliveryStatus, IssueDetail, Page, RateLimit } from '@hookfleet/core';
/** `GET /v1/subscriptions/:id/stats`: the endpoint's last 24 h, from its attempt log. */
export type { EndpointStats, HourlyAttempts } from '@hookfleet/core';

export interface PublishResult {
  id: string;
  /** `true` when the API already had this id; a publish whose first try reached the API before failing says so too. */
  deduplicated: boolean;
}

export type { Tenant } from '@hookfleet/core';
/** A tenant with an API key, as the create and each rotation answer it: the key is shown only then. */
export type CreatedTenant = Tenant & { api_key: string };
/** A page of tenants: `limit` 1–500 (default 50), `cursor` the last page's `next_cursor`. */
export interface TenantListQuery {
  limit?: number;
  cursor?: string;
}
/** `previous_key_expires_in`: seconds the old key keeps working (0–604800, default 86400). */
export type ApiKeyRotateInput = z.input<typeof apiKeyRotateSchema>;

/** A subscription as the native API shows it: core's view (packages/core/src/subscription-view.ts). */
export type { SubscriptionView as Subscription } from '@hookfleet/core';

/** `GET /v1/subscriptions/:id/secret`: the signing secret alone (a portal session's other answers carry `secret: null`). */
export type SubscriptionSecret = Pick<SubscriptionView, 'secret' | 'previous_secret_expires_at'>;

export interface AttemptList {
  data: AttemptRecord[];
}

export type EventSummary = Pick<StoredEvent, 'id' | 'tenant' | 'profile' | 'type' | 'occurred_at' | 'received_at'>;
export type EventDetail = StoredEvent & { deliveries: Array<Pick<Delivery, 'id' | 'subscription_id' | 'status'>> };
