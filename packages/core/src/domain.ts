import type { DisabledReason, RateLimit } from './schemas.js';
import type { BatchOptions, Destination } from './destination-schema.js';
import type { EventFilter } from './event-filter-schema.js';
import type { SignatureScheme } from './signing-keys.js';
import type { CustomHeaders, RetryOptions } from './endpoint-options.js';

export interface Tenant {
  id: string;
  name: string;
  created_at: string;
  /** When the API key rotated out last keeps working until; null when only the current key works. */
  previous_key_expires_at: string | null;
}

/** An accepted event as stored once in Redis; deliveries refer to it by id. */
export interface StoredEvent {
  id: string;
  tenant: string;
  profile: string;
  type: string;
  data: unknown;
  occurred_at: string;
  received_at: string;
  actor: { id: string | number } | null;
  fields_changed: string[] | null;
  visible_to: Array<string | number> | null;
  /**
   * The data as the JSON text it is stored as, when a delivery worker loaded the event (store/stored-event-json.ts):
   * a body that carries `data` unchanged splices it instead of serialising `data` again.
   */
  readonly dataJson?: string;
}

export interface Subscription {
  id: string;
  tenant: string;
  profile: string;
  /** The HTTP destination's URL; empty for the other kinds of destination. */
  url: string;
  /** Absent (stored before destinations, or created with `url`): HTTP to `url`. Broker URLs keep their credentials here. */
  destination?: Exclude<Destination, { type: 'http' }>;
  /** HTTP only: deliveries sent together in one POST. */
  batch?: BatchOptions | null;
  events: string[];
  secret: string | null;
  /** Secrets replaced within the last 24 h: signing profiles sign with them too, so receivers can rotate calmly. */
  previous_secrets?: Array<{ secret: string; expires_at: string }>;
  /** Standard Webhooks scheme; absent (stored before it existed): `v1`. `v1a` signs with the tenant's key pair. */
  signature?: SignatureScheme;
  description: string | null;
  metadata: Record<string, unknown>;
  active: boolean;
  disabled_reason: DisabledReason | null;
  created_by: string | null;
  delay_seconds: number;
  rate_limit: RateLimit | null;
  /** Deliveries go one at a time in event order (docs/delivery.md, "Ordered subscriptions"); stored before it existed: absent. */
  ordered?: boolean;
  /** Only events it takes are delivered (docs/delivery.md, "Payload filters"); stored before it existed: absent. */
  filter?: EventFilter | null;
  /** Sent on every attempt (src/endpoint-options.ts); absent or empty: none. */
  headers?: CustomHeaders;
  /** The subscription's own ladder; absent or null: its profile's. */
  retry?: RetryOptions | null;
  /** Whole-request timeout of one attempt; absent or null: DELIVERY_TIMEOUT_MS. */
  timeout_ms?: number | null;
  /** Provider-specific fields a compat API keeps (names, filters, tokens, numeric ids). */
  compat: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface Delivery {
  id: string;
  event_id: string;
  subscription_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
}

/** A delivery as a subscription's list shows it: with the event it carries, so a receiver can tell which one failed. */
export interface DeliveryListEntry extends Delivery {
  /** The event's type; null once the event is no longer kept (HOOKFLEET_EVENT_RETENTION_HOURS). */
  event_type: string | null;
  /** When the event was received: the time the subscription's delivery log is ordered by. */
  event_received_at: string;
}

export interface AttemptRecord {
  delivery_id: string;
  event_id: string;
  attempt: number;
  status_code: number | null;
  ok: boolean;
  error: string | null;
  duration_ms: number;
  at: string;
  response_body?: string | null;
  /** The batch this attempt went out in (docs/delivery.md, "Batches"); absent for a delivery sent alone. */
  batch_id?: string;
}

/** A page of a list the API answers (subscriptions, events, a subscription's deliveries): `next_cursor` asks for the next, null at the end. */
export interface Page<Item> {
  data: Item[];
  next_cursor: string | null;
}

export type OperationKind = 'recover' | 'replay';
/** `canceled`: stopped by `POST /v1/operations/:id/cancel` before its end; `done` says how far it got. */
export type OperationStatus = 'running' | 'done' | 'failed' | 'canceled';

/** A background operation (recover, replay) and its progress, as stored (packages/store/src/operation-store.ts). */
export interface Operation {
  id: string;
  kind: OperationKind;
  status: OperationStatus;
  total: number;
  done: number;
  tenant: string;
  subscription_id: string;
  created_at: string;
  error: string | null;
}

/** `POST /v1/subscriptions/:id/test`: how the endpoint answered one signed test delivery (apps/api/src/test-delivery.ts). */
export interface TestDeliveryResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** One hour of an endpoint's attempts by outcome (apps/api/src/portal/endpoint-stats.ts). */
export interface HourlyAttempts {
  /** Start of the hour, ISO-8601. */
  hour: string;
  success: number;
  failure: number;
  error: number;
}

/** `GET /v1/subscriptions/:id/stats`: the endpoint's last 24 h, from its attempt log. */
export interface EndpointStats {
  window_hours: number;
  attempts: number;
  succeeded: number;
  /** succeeded / attempts over the window; null without attempts. */
  success_ratio: number | null;
  last_status_code: number | null;
  last_attempt_at: string | null;
  last_error: string | null;
  /** Oldest hour first, the current hour last. */
  hourly: HourlyAttempts[];
  /** The attempt log keeps the last N attempts; when it is full inside the window the counts cover those only. */
  log_limit: number;
  log_truncated: boolean;
}
