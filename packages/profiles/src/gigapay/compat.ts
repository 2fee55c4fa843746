import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { boundedJson, subscriptionUrlSchema, ValidationFailed, type SubscriptionPatch } from '@hookfleet/core';
import { compatRoute, type CompatApi, type CompatRequest, type CompatView } from '../compat.js';
import { GIGAPAY_EVENTS, isUserScopedEvent } from './events.js';
import { gigapayError } from './errors.js';
import { gigapayPage } from './pagination.js';
import { generateGigapaySecretKey } from './secret-key.js';
import { gigapayCompatExamples } from './fixtures.js';

/**
 * Gigapay's `/v2/webhooks/`: paginated list, create (client-chosen `id`, `Idempotency-Key`), retrieve, PATCH, PUT,
 * delete. Ids are unique per tenant and Integration-ID, which scopes every route.
 */

export const gigapayWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(GIGAPAY_EVENTS)),
  secret_key: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
const pageSchema = z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(gigapayWebhookSchema) });

const idSchema = z.union([z.string().min(1).max(200), z.number().int()]).transform(String);
const eventsSchema = z.array(z.enum(GIGAPAY_EVENTS)).min(1);
/** Stored as given: each value nests at most MAX_JSON_DEPTH levels, as every JSON hookfleet stores. */
const metadataSchema = z.record(z.string(), boundedJson);
const fullSchema = z.object({
  id: idSchema.optional(),
  url: subscriptionUrlSchema,
  events: eventsSchema,
  secret_key: z.string().min(1).max(500).optional(),
  metadata: metadataSchema.optional(),
});
type GigapayFull = z.infer<typeof fullSchema>;
const partialSchema = fullSchema.partial();
type GigapayPartial = z.infer<typeof partialSchema>;

/** Registration.* events are user-scoped; the others need the integration named by Integration-ID. */
function assertIntegrationFor(events: readonly string[] | undefined, request: CompatRequest): void {
  if (!events || request.scope !== '' || events.every(isUserScopedEvent)) return;
  throw new ValidationFailed('Integration-ID required', [{ path: '', message: 'The Integration-ID header is required for events other than Registration.*.' }]);
}

function toCreate(input: GigapayFull, request: CompatRequest) {
  assertIntegrationFor(input.events, request);
  return {
    fields: { url: input.url, events: input.events, secret: input.secret_key, metadata: input.metadata ?? {} },
    compat: { integration_id: request.scope },
    ...(input.id !== undefined ? { id: input.id } : {}),
  };
}

function toPatch(input: GigapayPartial, request: CompatRequest) {
  assertIntegrationFor(input.events, request);
  const patch: SubscriptionPatch = {};
  if (input.url !== undefined) patch.url = input.url;
  if (input.events !== undefined) patch.events = input.events;
  if (input.secret_key !== undefined) patch.secret = input.secret_key;
  if (input.metadata !== undefined) patch.metadata = input.metadata;
  return { patch, ...(input.id !== undefined ? { id: input.id } : {}) };
}

/** PUT replaces: omitted fields take their defaults, and a new secret_key is generated when none is given. */
function toReplace(input: GigapayFull, _current: CompatView, request: CompatRequest) {
  const { patch, ...rest } = toPatch(input, request);
  return { patch: { ...patch, secret: input.secret_key ?? generateGigapaySecretKey(), metadata: input.metadata ?? {} }, ...rest };
}

export function presentGigapayWebhook({ subscription }: CompatView) {
  return {
    id: String(subscription.compat.id),
    url: subscription.url,
    events: subscription.events,
    secret_key: subscription.secret ?? '',
    metadata: subscription.metadata,
  };
}

const examples = gigapayCompatExamples;

export const gigapayCompat: CompatApi = {
  auth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Authorization: Token <key>`, with `Integration-ID` naming the integration' },
  credential: (headers) => /^Token\s+(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1],
  // Django REST framework's token authentication challenges with its keyword alone.
  challenge: 'Token',
  idempotency: { header: 'idempotency-key', ttlSeconds: 24 * 3600 },
  idField: 'id',
  secretField: 'secret_key',
  newId: () => randomUUID(),
  scope: (headers) => headers['integration-id']?.trim() ?? '',
  routes: [
    compatRoute({ method: 'GET', path: '/v2/webhooks/', operation: 'list', status: 200, answer: pageSchema, examples: examples.list }),
    compatRoute({ method: 'POST', path: '/v2/webhooks/', operation: 'create', status: 201, body: fullSchema, answer: gigapayWebhookSchema, examples: examples.create, toCreate }),
    compatRoute({ method: 'GET', path: '/v2/webhooks/:id/', operation: 'get', status: 200, answer: gigapayWebhookSchema, examples: examples.get }),
    compatRoute({
      method: 'PATCH',
      path: '/v2/webhooks/:id/',
      operation: 'update',
      status: 200,
      body: partialSchema,
      answer: gigapayWebhookSchema,
      examples: examples.update,
      toUpdate: (input, _current, request) => toPatch(input, request),
    }),
    compatRoute({ method: 'PUT', path: '/v2/webhooks/:id/', operation: 'replace', status: 200, body: fullSchema, answer: gigapayWebhookSchema, examples: examples.replace, toUpdate: toReplace }),
    compatRoute({ method: 'DELETE', path: '/v2/webhooks/:id/', operation: 'delete', status: 204 }),
  ],
  present: presentGigapayWebhook,
  answer(result, request) {
    if (result.operation === 'list') return gigapayPage(result.items, request, result.status);
    if (result.operation === 'delete') return { status: result.status };
    return { status: result.status, body: result.item };
  },
  error: (failure) => gigapayError(failure),
};
