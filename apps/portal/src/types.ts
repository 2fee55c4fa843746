/** The shapes the portal reads from the hookfleet API (docs/api.md), secrets left out. */

export type DisabledReason = 'manual' | 'gone' | 'failing';

export interface Endpoint {
  id: string;
  tenant: string;
  profile: string;
  url: string;
  /** Where deliveries go; broker passwords shown as `***` (components/broker-destination.tsx). */
  destination?: { type: 'http'; url: string } | { type: 'rabbitmq'; url: string; exchange: string; routing_key: string } | { type: 'nats'; servers: string[]; subject: string } | { type: 'poll' };
  events: string[];
  description: string | null;
  active: boolean;
  disabled_reason: DisabledReason | null;
  created_by: string | null;
  previous_secret_expires_at: string | null;
  /** Only events it takes are delivered (docs/delivery.md, "Payload filters"). */
  filter?: Record<string, unknown> | null;
  signature: SignatureScheme;
  /** The endpoint's own delivery options (components/delivery-options.tsx). */
  headers: Record<string, string>;
  retry: { delays_seconds: number[]; max_attempts: number } | null;
  timeout_ms: number | null;
  batch: { max_events: number; max_wait_ms: number } | null;
  created_at: string;
  updated_at: string;
}

export type SignatureScheme = 'v1' | 'v1a';

/** GET /v1/tenants/:id/signing-keys: the public halves only. */
export interface SigningKeySet {
  keys: Array<{ kid: string; kty: 'OKP'; crv: 'Ed25519'; x: string; status: 'current' | 'previous'; expires_at?: string }>;
}

/** GET /v1/subscriptions/:id answers this; the portal keeps the secret out of its state until it is asked for. */
export interface EndpointWithSecret extends Endpoint {
  secret: string | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

export interface Delivery {
  id: string;
  event_id: string;
  subscription_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  /** null once the event is no longer kept. */
  event_type: string | null;
  event_received_at: string;
}

export interface Attempt {
  delivery_id: string;
  event_id: string;
  attempt: number;
  status_code: number | null;
  ok: boolean;
  error: string | null;
  duration_ms: number;
  at: string;
  response_body?: string | null;
  /** The batch this attempt went out in (an endpoint with `batch`). */
  batch_id?: string;
}

export interface HourlyAttempts {
  hour: string;
  success: number;
  failure: number;
  error: number;
}

export interface EndpointStats {
  window_hours: number;
  attempts: number;
  succeeded: number;
  success_ratio: number | null;
  last_status_code: number | null;
  last_attempt_at: string | null;
  last_error: string | null;
  hourly: HourlyAttempts[];
  log_limit: number;
  log_truncated: boolean;
}

export interface EventType {
  profile: string;
  type: string;
  description: string;
  /** The JSON Schema its events' `data` satisfies; null: any JSON. */
  schema?: Record<string, unknown> | null;
  deprecated?: boolean;
}

export interface TestResult {
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface Operation {
  id: string;
  kind: 'recover' | 'replay';
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  error?: string | null;
}

export interface PortalSession {
  tenant: { id: string; name: string };
  subscriptions: string[] | null;
  created_by: string | null;
  expires_at: string;
  can_create: boolean;
}
