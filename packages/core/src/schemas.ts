import { z } from 'zod';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/** Any JSON value that does not nest deeper than MAX_JSON_DEPTH. */
export const boundedJson = z.unknown().refine((value) => !nestsDeeperThan(value), `nests deeper than ${MAX_JSON_DEPTH} levels`);

export const isoTime = z.iso.datetime({ offset: true });

export const tenantCreateSchema = z.object({ name: z.string().trim().min(1).max(200) });
export type TenantCreate = z.infer<typeof tenantCreateSchema>;

export const eventIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

export const eventInputSchema = z.object({
  tenant: z.string().min(1).max(100),
  profile: z.string().min(1).max(50),
  type: z.string().min(1).max(200),
  data: boundedJson.refine((value) => value !== undefined, 'Required'),
  id: eventIdSchema.optional(),
  occurred_at: isoTime.optional(),
  actor: z.object({ id: z.union([z.string().min(1), z.number()]) }).optional(),
  fields_changed: z.array(z.string().max(200)).max(1000).optional(),
  visible_to: z.array(z.union([z.string().min(1), z.number()])).max(10000).optional(),
});
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

export const subscriptionUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

/** The longest a subscription may hold its deliveries back (`delay_seconds`): a day. */
export const MAX_DELAY_SECONDS = 86_400;

const subscriptionFields = {
  profile: z.string().min(1).max(50).default('standard'),
  url: subscriptionUrlSchema,
  events: z.array(z.string().min(1).max(200)).min(1).max(500),
  secret: z.string().min(8).max(500).optional(),
  description: z.string().max(2000).optional(),
  metadata: z.record(z.string(), boundedJson).optional(),
  active: z.boolean().default(true),
  created_by: z.string().min(1).max(200).optional(),
  delay_seconds: z.number().int().min(0).max(MAX_DELAY_SECONDS).optional(),
  rate_limit: rateLimitSchema.nullable().optional(),
  /** One delivery at a time, in event order; a failing head holds its followers until it succeeds or dies. */
  ordered: z.boolean().optional(),
};

export const subscriptionCreateSchema = z.object({
  ...subscriptionFields,
  /** Operators name the tenant; a tenant key implies it. */
  tenant: z.string().min(1).max(100).optional(),
});
export type SubscriptionCreate = z.infer<typeof subscriptionCreateSchema>;

export const subscriptionPatchSchema = z
  .object({
    url: subscriptionFields.url.optional(),
    events: subscriptionFields.events.optional(),
    secret: subscriptionFields.secret,
    description: subscriptionFields.description.nullable(),
    metadata: subscriptionFields.metadata,
    active: z.boolean().optional(),
    delay_seconds: subscriptionFields.delay_seconds,
    rate_limit: subscriptionFields.rate_limit,
    ordered: subscriptionFields.ordered,
  })
  .strict();
export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;

export const listQuerySchema = z.object({
  profile: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const rotateSecretSchema = z.object({ secret: z.string().min(8).max(500).optional() }).strict();
