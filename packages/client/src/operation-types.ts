import type { DeliveryStatus, Operation as StoredOperation } from '@hookfleet/core';

// The answers' shapes are core's own (packages/core/src/domain.ts, event-type-schemas.ts): declared once for the API,
// the portal and this client.
export type { EventTypeView as EventType, TestDeliveryResult } from '@hookfleet/core';

// docs/contract.md, "Operations": the routes the operator's toolkit adds. Core has no schemas for their inputs yet;
// when it does, these become `z.input<typeof …Schema>` like the types in types.ts.

/** An ISO-8601 time, or a Date the client turns into one. */
export type TimeInput = string | Date;

export interface EventListQuery {
  /** The operator names the tenant; a tenant key lists its own. */
  tenant?: string;
  since?: TimeInput;
  until?: TimeInput;
  type?: string;
  profile?: string;
  limit?: number;
  cursor?: string;
}

export interface DeliveryListQuery {
  /** The subscription whose deliveries to list (the API needs one). */
  subscription: string;
  status?: DeliveryStatus;
  since?: TimeInput;
  until?: TimeInput;
  limit?: number;
  cursor?: string;
}

export interface RecoverInput {
  since: TimeInput;
  until?: TimeInput;
}

export interface ReplayInput {
  since: TimeInput;
  until?: TimeInput;
  types?: string[];
}

export interface TestDeliveryInput {
  type?: string;
  data?: unknown;
}

export interface OperationStarted {
  operation_id: string;
}

/** `GET /v1/operations/:id`: a recover or replay and its progress, as stored less its tenant (the answer leaves it out). */
export type Operation = Omit<StoredOperation, 'tenant'>;

export interface EventTypeQuery {
  profile?: string;
}

export interface PortalSessionInput {
  /** The operator names the tenant; a tenant key implies its own. */
  tenant?: string;
  subscriptions?: string[];
  created_by?: string;
  /** Seconds the link works (60–86400). @defaultValue 3600 */
  expires_in?: number;
}

export interface PortalSession {
  url: string;
  expires_at: string;
}
