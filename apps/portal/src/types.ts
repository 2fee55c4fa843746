/**
 * The shapes the portal reads from the hookfleet API (docs/api.md), secrets left out: the server's own declarations
 * in @hookfleet/core where the portal reads the same shape. Types only (`import type`): no server code in the bundle.
 */
import type { Operation as StoredOperation, SubscriptionView } from '@hookfleet/core';

export type {
  AttemptRecord as Attempt,
  DeliveryListEntry as Delivery,
  DeliveryStatus,
  DisabledReason,
  EndpointStats,
  EventTypeView as EventType,
  HourlyAttempts,
  Page,
  PollBacklog,
  SignatureScheme,
  SigningKeySet,
  TestDeliveryResult as TestResult,
} from '@hookfleet/core';

/** A subscription as the API shows it (packages/core/src/subscription-view.ts), kept in the portal's state without its secret. */
export type Endpoint = Omit<SubscriptionView, 'secret'>;

/** GET /v1/subscriptions/:id answers this; the portal keeps the secret out of its state until it is asked for. */
export type EndpointWithSecret = SubscriptionView;

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
