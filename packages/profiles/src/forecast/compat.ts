import { z } from 'zod';
import { subscriptionUrlSchema, type SubscriptionPatch } from '@hookfleet/core';
import { compatRoute, failureSentence, type CompatApi, type CompatView } from '../compat.js';
import { FORECAST_ACTIONS, FORECAST_TYPES, forecastEventName, forecastKindOf } from './events.js';
import { forecastCompatExamples } from './fixtures.js';

/** Forecast's `/v1/webhook_subscriptions`: list, get, create, PUT partial update, delete; integer ids per tenant. */

/** The message of Forecast's documented 401, which every 401 here carries (docs/profiles.md, "forecast"). */
const FORECAST_UNAUTHENTICATED = 'Server failed to authenticate the request.';

export const forecastSubscriptionSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  type: z.enum(FORECAST_TYPES),
  event: z.enum(FORECAST_ACTIONS),
  url: z.string(),
  active: z.boolean(),
});

const createSchema = z.object({
  name: z.string().min(1).max(500),
  type: z.enum(FORECAST_TYPES),
  event: z.enum(FORECAST_ACTIONS),
  url: subscriptionUrlSchema,
  active: z.boolean().default(true),
});
type ForecastCreate = z.infer<typeof createSchema>;

const updateSchema = z.object({
  name: z.string().min(1).max(500).optional(),
  type: z.enum(FORECAST_TYPES).optional(),
  event: z.enum(FORECAST_ACTIONS).optional(),
  url: subscriptionUrlSchema.optional(),
  active: z.boolean().optional(),
});
type ForecastUpdate = z.infer<typeof updateSchema>;

function toCreate(input: ForecastCreate) {
  return {
    fields: { url: input.url, events: [forecastEventName(input.type, input.event)], active: input.active },
    compat: { name: input.name },
  };
}

function toUpdate(input: ForecastUpdate, current: CompatView) {
  const kind = forecastKindOf(current.subscription.events[0] ?? '') ?? { type: 'TASK' as const, event: 'CREATE' as const };
  const patch: SubscriptionPatch = {};
  if (input.type !== undefined || input.event !== undefined) patch.events = [forecastEventName(input.type ?? kind.type, input.event ?? kind.event)];
  if (input.url !== undefined) patch.url = input.url;
  if (input.active !== undefined) patch.active = input.active;
  return { patch, ...(input.name !== undefined ? { compat: { name: input.name } } : {}) };
}

export function presentForecastSubscription({ subscription }: CompatView) {
  const kind = forecastKindOf(subscription.events[0] ?? '');
  return {
    id: subscription.compat.id,
    name: subscription.compat.name ?? subscription.description ?? '',
    type: kind?.type ?? null,
    event: kind?.event ?? null,
    url: subscription.url,
    active: subscription.active,
  };
}

export const forecastCompat: CompatApi = {
  auth: { type: 'apiKey', in: 'header', name: 'X-FORECAST-API-KEY', description: 'The tenant key in X-FORECAST-API-KEY' },
  credential: (headers) => headers['x-forecast-api-key']?.trim() || undefined,
  idField: 'id',
  newId: 'sequence',
  routes: [
    compatRoute({ method: 'GET', path: '/v1/webhook_subscriptions', operation: 'list', status: 200, answer: z.array(forecastSubscriptionSchema), examples: forecastCompatExamples.list }),
    compatRoute({
      method: 'POST',
      path: '/v1/webhook_subscriptions',
      operation: 'create',
      status: 201,
      body: createSchema,
      answer: forecastSubscriptionSchema,
      examples: forecastCompatExamples.create,
      toCreate,
    }),
    compatRoute({ method: 'GET', path: '/v1/webhook_subscriptions/:id', operation: 'get', status: 200, answer: forecastSubscriptionSchema, examples: forecastCompatExamples.get }),
    compatRoute({
      method: 'PUT',
      path: '/v1/webhook_subscriptions/:id',
      operation: 'update',
      status: 200,
      body: updateSchema,
      answer: forecastSubscriptionSchema,
      examples: forecastCompatExamples.update,
      toUpdate,
    }),
    // A delete answers 200 with an empty body, as Forecast's API documents every DELETE (docs/profiles.md, "forecast").
    compatRoute({ method: 'DELETE', path: '/v1/webhook_subscriptions/:id', operation: 'delete', status: 200 }),
  ],
  present: presentForecastSubscription,
  answer(result) {
    if (result.operation === 'list') return { status: result.status, body: result.items };
    if (result.operation === 'delete') return { status: result.status };
    return { status: result.status, body: result.item };
  },
  // Forecast's documented error shape, `{ status, message }` and nothing more (docs/profiles.md, "forecast").
  error(failure) {
    const message = failure.status === 401 ? FORECAST_UNAUTHENTICATED : failureSentence(failure);
    return { status: failure.status, body: { status: failure.status, message } };
  },
};
