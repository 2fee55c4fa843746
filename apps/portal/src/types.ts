/**
 * The shapes the portal reads from the hookfleet API (docs/api.md), secrets left out: the server's own declarations
 * in @hookfleet/core where the portal reads the same shape. Types only (`import type`): no server code in the bundle.
 */
import type { BatchOptions, CustomHeaders, Destination, Operation as StoredOperation, RetryOptions, SignatureScheme, Subscription } from '@hookfleet/core';

export type {
  AttemptRecord as Attempt,
  DeliveryListEntry as Delivery,
  DeliveryStatus,
  DisabledReason,
  EndpointStats,
  EventTypeView as EventType,
  HourlyAttempts,
  Page,
  SignatureScheme,
  SigningKeySet,
  TestDeliveryResult as TestResult,
} from '@hookfleet/core';

/** The stored Subscription as the API shows it (apps/api/src/subscription-view.ts): without its secret, and with what the portal reads. */
export type Endpoint = Pick<
  Subscription,
  'id' | 'tenant' | 'profile' | 'url' | 'events' | 'description' | 'active' | 'disabled_reason' | 'created_by' | 'filter' | 'created_at' | 'updated_at'
> & {
  /** Where deliveries go, HTTP included; broker passwords shown as `***` (components/broker-destination.tsx). */
  destination?: Destination;
  previous_secret_expires_at: string | null;
  signature: SignatureScheme;
  /** The endpoint's own delivery options (components/delivery-options.tsx). */
  headers: CustomHeaders;
  retry: RetryOptions | null;
  timeout_ms: number | null;
  batch: BatchOptions | null;
};

/** GET /v1/subscriptions/:id answers this; the portal keeps the secret out of its state until it is asked for. */
export type EndpointWithSecret = Endpoint & Pick<Subscription, 'secret'>;

/** GET /v1/operations/:id as the portal reads it: the panel shows one it has just started (POST answers its id only) before the first GET. */
export type Operation = Pick<StoredOperation, 'id' | 'kind' | 'status' | 'total' | 'done'> & Partial<Pick<StoredOperation, 'error'>>;

/** GET /portal/session: built from the portal token's claims (apps/api/src/portal/portal-session-routes.ts); the server names no type for it. */
export interface PortalSession {
  tenant: { id: string; name: string };
  subscriptions: string[] | null;
  created_by: string | null;
  expires_at: string;
  can_create: boolean;
}
