import { z } from 'zod';
import { batchSchema, deliveryStatusSchema, destinationSchema, disabledReasons, eventFilterSchema, operationStatusSchema, rateLimitSchema, signatureSchemeSchema } from '@hookfleet/core';

/**
 * The bodies the native routes answer with, as zod schemas: the OpenAPI document publishes them, and the route test
 * checks every route's real answer against them.
 */
const isoTime = z.string().describe('ISO-8601 time');
const nullableIso = isoTime.nullable();

/** Every failure, in every native route (docs/contract.md, "Errors"). */
export const errorAnswerSchema = z.object({
  error: z.string().describe('a plain sentence'),
  code: z.string().describe('a stable code: validation_failed, not_found, conflict, rate_limited …'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('one entry per field that is wrong'),
});

export const okAnswerSchema = z.object({ ok: z.boolean() });

export const tenantSchema = z.object({ id: z.string(), name: z.string(), created_at: isoTime, previous_key_expires_at: isoTime.nullable() });
export const tenantPageSchema = z.object({ data: z.array(tenantSchema), next_cursor: z.string().nullable() });
/** A tenant with an API key: shown once, by the create and by each rotation. */
export const tenantWithKeySchema = tenantSchema.extend({ api_key: z.string() });

export const eventAcceptedSchema = z.object({ id: z.string(), deduplicated: z.boolean() });
export const batchAcceptedSchema = z.object({ results: z.array(eventAcceptedSchema) });

const eventSummarySchema = z.object({ id: z.string(), tenant: z.string(), profile: z.string(), type: z.string(), occurred_at: isoTime, received_at: isoTime });
export const eventPageSchema = z.object({ data: z.array(eventSummarySchema), next_cursor: z.string().nullable() });

export const deliverySchema = z.object({
  id: z.string(),
  event_id: z.string(),
  subscription_id: z.string(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  next_attempt_at: nullableIso,
});
/** A subscription's delivery log: each delivery with its event's type (null past the retention) and time. */
export const deliveryListPageSchema = z.object({
  data: z.array(deliverySchema.extend({ event_type: z.string().nullable(), event_received_at: isoTime })),
  next_cursor: z.string().nullable(),
});

const idOrNumber = z.union([z.string(), z.number()]);
export const eventDetailSchema = eventSummarySchema.extend({
  data: z.unknown(),
  actor: z.object({ id: idOrNumber }).nullable(),
  fields_changed: z.array(z.string()).nullable(),
  visible_to: z.array(idOrNumber).nullable(),
  deliveries: z.array(deliverySchema.partial().extend({ id: z.string(), subscription_id: z.string(), status: deliveryStatusSchema })),
});

export const subscriptionSecretSchema = z.object({
  secret: z.string().nullable().describe('null for a profile that does not sign'),
  previous_secret_expires_at: nullableIso.describe('until when the secret before the last rotation still signs'),
});

export const subscriptionSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  profile: z.string(),
  url: z.string().describe('the HTTP destination\'s URL; empty for the other kinds'),
  destination: destinationSchema.describe('where deliveries go; broker passwords shown as ***'),
  batch: batchSchema.nullable(),
  events: z.array(z.string()),
  secret: z.string().nullable().describe('null for a profile that does not sign, and in every answer to a portal session (GET …/secret)'),
  previous_secret_expires_at: nullableIso,
  signature: signatureSchemeSchema.describe('v1: HMAC with the secret; v1a: ed25519 with the tenant\'s key pair (GET /v1/tenants/{id}/signing-keys)'),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  disabled_reason: z.enum(disabledReasons).nullable(),
  created_by: z.string().nullable(),
  delay_seconds: z.number().int(),
  rate_limit: rateLimitSchema.nullable(),
  ordered: z.boolean(),
  filter: eventFilterSchema.nullable(),
  headers: z.record(z.string(), z.string()).describe('sent on every attempt'),
  retry: z.object({ delays_seconds: z.array(z.number().int()), max_attempts: z.number().int() }).nullable().describe('the subscription\'s own ladder; null: the profile\'s'),
  timeout_ms: z.number().int().nullable().describe('whole-request timeout of one attempt; null: DELIVERY_TIMEOUT_MS'),
  created_at: isoTime,
  updated_at: isoTime,
});
export const subscriptionPageSchema = z.object({ data: z.array(subscriptionSchema), next_cursor: z.string().nullable() });

export const attemptSchema = z.object({
  delivery_id: z.string(),
  event_id: z.string(),
  attempt: z.number().int(),
  status_code: z.number().int().nullable(),
  ok: z.boolean(),
  error: z.string().nullable(),
  duration_ms: z.number(),
  at: isoTime,
  response_body: z.string().nullable().optional(),
  batch_id: z.string().optional().describe('the batch this attempt went out in (a subscription with `batch`)'),
});
export const attemptListSchema = z.object({ data: z.array(attemptSchema) });

export const operationStartedSchema = z.object({ operation_id: z.string() });
export const operationSchema = z.object({
  id: z.string(),
  kind: z.enum(['recover', 'replay']),
  status: operationStatusSchema,
  total: z.number().int(),
  done: z.number().int(),
  subscription_id: z.string(),
  created_at: isoTime,
  error: z.string().nullable(),
});
export const operationPageSchema = z.object({ data: z.array(operationSchema), next_cursor: z.string().nullable() });

export const testDeliveryResultSchema = z.object({ ok: z.boolean(), status_code: z.number().int().nullable(), duration_ms: z.number(), error: z.string().nullable() });

const eventTypeSchema = z.object({
  profile: z.string(),
  type: z.string(),
  description: z.string(),
  schema: z.record(z.string(), z.unknown()).nullable().describe('the JSON Schema of the event\'s data; null: any JSON'),
  deprecated: z.boolean(),
});
export const eventTypeListSchema = z.object({ data: z.array(eventTypeSchema) });
export const registeredEventTypeSchema = eventTypeSchema.extend({ created_at: isoTime, updated_at: isoTime });

export const endpointStatsSchema = z.object({
  window_hours: z.number().int(),
  attempts: z.number().int(),
  succeeded: z.number().int(),
  success_ratio: z.number().nullable(),
  last_status_code: z.number().int().nullable(),
  last_attempt_at: nullableIso,
  last_error: z.string().nullable(),
  hourly: z.array(z.object({ hour: isoTime, success: z.number().int(), failure: z.number().int(), error: z.number().int() })),
  log_limit: z.number().int(),
  log_truncated: z.boolean(),
});

export const portalLinkSchema = z.object({ url: z.string(), expires_at: isoTime });
export const portalSignedInSchema = z.object({ tenant: z.string(), expires_at: isoTime });
export const portalSessionSchema = z.object({
  tenant: z.object({ id: z.string(), name: z.string() }),
  subscriptions: z.array(z.string()).nullable(),
  created_by: z.string().nullable(),
  expires_at: isoTime,
  can_create: z.boolean(),
});

/** The document is described by the OpenAPI 3.1 specification itself; only its top is named here. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });
