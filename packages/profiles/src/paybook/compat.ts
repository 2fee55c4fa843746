import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { subscriptionUrlSchema } from '@hookfleet/core';
import { compatRoute, type CompatApi, type CompatView } from '../compat.js';
import { isoOffset } from '../json-shape.js';
import { PAYBOOK_EVENTS } from './events.js';
import { paybookEnvelope, paybookErrorEnvelope } from './envelope.js';
import { paybookCompatExamples } from './fixtures.js';

/** Paybook Sync's `/v1/webhooks`: list, create, get, delete, in its envelope, with X-Http-Method-Override. */

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
const offsetTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
export const paybookWebhookSchema = z.object({
  id_webhook: objectId,
  id_user: z.string().nullable(),
  is_disabled: z.union([z.literal(0), z.literal(1)]),
  events: z.array(z.enum(PAYBOOK_EVENTS)),
  url: z.string(),
  delay: z.number().int().min(0),
  ct_failed: z.number().int().min(0),
  dt_created: offsetTime,
  dt_modified: offsetTime,
});

function envelopeOf(response: z.ZodType) {
  return z.object({ rid: z.string(), code: z.number().int(), errors: z.null(), status: z.literal(true), message: z.null(), response });
}

const createSchema = z.object({
  url: subscriptionUrlSchema,
  events: z.array(z.enum(PAYBOOK_EVENTS)).min(1),
  /** Seconds to wait after the event before the first attempt. */
  delay: z.number().int().min(0).max(86400).default(0),
  id_user: z.string().min(1).max(200).nullable().optional(),
});
type PaybookCreate = z.infer<typeof createSchema>;

function toCreate(input: PaybookCreate) {
  return {
    fields: { url: input.url, events: input.events, delay_seconds: input.delay },
    compat: { id_user: input.id_user ?? null },
  };
}

function counter(view: CompatView, field: string): number {
  const value = Number(view.bookkeeping[field] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function presentPaybookWebhook(view: CompatView) {
  const { subscription } = view;
  return {
    id_webhook: subscription.compat.id_webhook,
    id_user: (subscription.compat.id_user as string | null | undefined) ?? null,
    is_disabled: subscription.active ? 0 : 1,
    events: subscription.events,
    url: subscription.url,
    delay: subscription.delay_seconds,
    ct_failed: counter(view, 'ct_failed'),
    dt_created: isoOffset(subscription.created_at),
    dt_modified: isoOffset(subscription.updated_at),
  };
}

export const paybookCompat: CompatApi = {
  auth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Authorization: api_key api_key=<key>`' },
  credential(headers) {
    // `Authorization: api_key api_key=<key>`.
    return /^api_key\s+api_key=(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1];
  },
  // Its Node SDK sends every call as POST with X-Http-Method-Override: GET | PUT | DELETE.
  methodOverrideHeader: 'x-http-method-override',
  idField: 'id_webhook',
  newId: () => randomBytes(12).toString('hex'),
  routes: [
    compatRoute({ method: 'GET', path: '/v1/webhooks', operation: 'list', status: 200, answer: envelopeOf(z.array(paybookWebhookSchema)) }),
    compatRoute({
      method: 'POST',
      path: '/v1/webhooks',
      operation: 'create',
      status: 200,
      body: createSchema,
      answer: envelopeOf(paybookWebhookSchema),
      examples: paybookCompatExamples.create,
      toCreate,
    }),
    compatRoute({ method: 'GET', path: '/v1/webhooks/:id', operation: 'get', status: 200, answer: envelopeOf(paybookWebhookSchema), examples: paybookCompatExamples.get }),
    compatRoute({ method: 'DELETE', path: '/v1/webhooks/:id', operation: 'delete', status: 200, answer: envelopeOf(z.literal(true)) }),
  ],
  present: presentPaybookWebhook,
  answer(result, request) {
    const response = result.operation === 'list' ? result.items : result.operation === 'delete' ? true : result.item;
    return paybookEnvelope(request.requestId, result.status, response);
  },
  error: (failure, request) => paybookErrorEnvelope(request.requestId, failure),
};
