import { z } from 'zod';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { batchSchema, destinationSchema, subscriptionUrlSchema } from './destination-schema.js';
import { eventFilterSchema } from './event-filter-schema.js';
import { signatureSchemeSchema } from './signing-keys.js';
import { customHeadersSchema, retryOptionsSchema, timeoutMsSchema } from './endpoint-options.js';

/** Any JSON value that does not nest deeper than MAX_JSON_DEPTH. */
export const boundedJson = z.unknown().refine((value) => !nestsDeeperThan(value), `nests deeper than ${MAX_JSON_DEPTH} levels`);

export const isoTime = z.iso.datetime({ offset: true });

/** Native create and patch bodies are strict: a misspelt field is a 400 naming it, never silently dropped. */
export const tenantCreateSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
export type TenantCreate = z.infer<typeof tenantCreateSchema>;

/** How long a rotated-out API key keeps working unless the rotation says otherwise: long enough to roll a deploy. */
export const DEFAULT_PREVIOUS_API_KEY_LIFETIME_S = 24 * 60 * 60;
/** The longest a rotated-out API key may keep working: a week. */
export const MAX_PREVIOUS_API_KEY_LIFETIME_S = 7 * 24 * 60 * 60;

/** `POST /v1/tenants/:id/api-key/rotate`: `previous_key_expires_in` 0 revokes the old key at once (a leaked key). */
export const apiKeyRotateSchema = z
  .object({ previous_key_expires_in: z.number().int().min(0).max(MAX_PREVIOUS_API_KEY_LIFETIME_S).default(DEFAULT_PREVIOUS_API_KEY_LIFETIME_S) })
  .strict();
export type ApiKeyRotate = z.infer<typeof apiKeyRotateSchema>;

export const eventIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

export const eventInputSchema = z.object({
  tenant: z.string().min(1).max(100),
  profile: z.string().min(1).max(50),
  type: z.string().min(1).max(200),
  data: boundedJson.refine((value) => value !== undefined, 'required: any JSON value'),
  id: eventIdSchema.optional(),
  occurred_at: isoTime.optional(),
  actor: z.object({ id: z.union([z.string().min(1), z.number()]) }).optional(),
  fields_changed: z.array(z.string().max(200)).max(1000).optional(),
  visible_to: z.array(z.union([z.string().min(1), z.number()])).max(10000).optional(),
})
  // A misspelt field (`ocurred_at`) would otherwise be dropped without a word, and the event stored without it.
  .strict();
export type EventInput = z.infer<typeof eventInputSchema>;

export const MAX_BATCH_EVENTS = 500;
export const eventBatchSchema = z.object({ events: z.array(eventInputSchema).min(1).max(MAX_BATCH_EVENTS) });

export const rateLimitSchema = z.union([
  z.object({ per_second: z.number().int().positive().max(100000) }).strict(),
  z.object({ per_minute: z.number().int().positive().max(6000000) }).strict(),
]);
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const disabledReasons = ['manual', 'gone', 'failing'] as const;
export type DisabledReason = (typeof disabledReasons)[number];


/** The longest a subscription may hold its deliveries back (`delay_seconds`): a day. */
export const MAX_DELAY_SECONDS = 86_400;

const subscriptionFields = {
  profile: z.string().min(1).max(50).default('standard'),
  /** The HTTP destination's address; the same as `destination: { type: "http", url }`. */
  url: subscriptionUrlSchema.optional(),
  /** Where deliveries go; absent: HTTP to `url` (src/destination-schema.ts). */
  destination: destinationSchema.optional(),
  batch: batchSchema.optional(),
  events: z.array(z.string().min(1).max(200)).min(1).max(500),
  secret: z.string().min(8).max(500).optional(),
  /** `v1` (HMAC, the default) or `v1a` (ed25519, the tenant's key pair): profiles that sign the Standard Webhooks way. */
  signature: signatureSchemeSchema.optional(),
  description: z.string().max(2000).optional(),
  metadata: z.record(z.string(), boundedJson).optional(),
  active: z.boolean().default(true),
  created_by: z.string().min(1).max(200).optional(),
  delay_seconds: z.number().int().min(0).max(MAX_DELAY_SECONDS).optional(),
  rate_limit: rateLimitSchema.nullable().optional(),
  /** One delivery at a time, in event order; a failing head holds its followers until it succeeds or dies. */
  ordered: z.boolean().optional(),
  /** Only events this predicate takes are delivered (src/event-filter-schema.ts); null removes it. */
  filter: eventFilterSchema.nullable().optional(),
  /** The subscription's own delivery options (src/endpoint-options.ts). */
  headers: customHeadersSchema.optional(),
  retry: retryOptionsSchema.optional(),
  timeout_ms: timeoutMsSchema.optional(),
};

export const subscriptionCreateSchema = z
  .object({
    ...subscriptionFields,
    /** Operators name the tenant; a tenant key implies it. */
    tenant: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine(checkDestinationFields);
export type SubscriptionCreate = z.infer<typeof subscriptionCreateSchema>;

/** `url` and `destination` name the same thing: exactly one of them on create; `batch` is for HTTP only. */
function checkDestinationFields(
  body: { url?: string | undefined; destination?: { type: string } | undefined; batch?: unknown },
  context: z.RefinementCtx,
): void {
  if (body.url === undefined && body.destination === undefined) {
    context.addIssue({ code: 'custom', path: ['url'], message: 'required: url or destination' });
  }
  if (body.url !== undefined && body.destination !== undefined) {
    context.addIssue({ code: 'custom', path: ['destination'], message: 'give url or destination, not both' });
  }
  if (body.batch && body.destination && body.destination.type !== 'http') {
    context.addIssue({ code: 'custom', path: ['batch'], message: `batch is for http destinations, not ${body.destination.type}` });
  }
}

export const subscriptionPatchSchema = z
  .object({
    url: subscriptionFields.url,
    destination: subscriptionFields.destination,
    batch: batchSchema.nullable().optional(),
    events: subscriptionFields.events.optional(),
    secret: subscriptionFields.secret,
    signature: subscriptionFields.signature,
    description: subscriptionFields.description.nullable(),
    metadata: subscriptionFields.metadata,
    active: z.boolean().optional(),
    delay_seconds: subscriptionFields.delay_seconds,
    rate_limit: subscriptionFields.rate_limit,
    ordered: subscriptionFields.ordered,
    filter: subscriptionFields.filter,
    /** null: no headers of its own, as `{}`. */
    headers: customHeadersSchema.nullable().optional(),
    /** null: back to the profile's ladder, DELIVERY_TIMEOUT_MS. */
    retry: retryOptionsSchema.nullable().optional(),
    timeout_ms: timeoutMsSchema.nullable().optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.url !== undefined && body.destination !== undefined) {
      context.addIssue({ code: 'custom', path: ['destination'], message: 'give url or destination, not both' });
    }
  });
export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;

/** What a list answers for a cursor it did not give out (one edited, or from another list). */
export const NOT_OUR_CURSOR = 'not a cursor this API gave out';

/** A list's cursor that is the last id of the page before (subscriptions, tenants): anything else is a 400. */
export function idCursorSchema(prefix: 'sub' | 'ten') {
  return z.string().max(200).regex(new RegExp(`^${prefix}_[0-9a-z]+$`), NOT_OUR_CURSOR).optional();
}

export const listQuerySchema = z.object({
  profile: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const rotateSecretSchema = z.object({ secret: z.string().min(8).max(500).optional() }).strict();
