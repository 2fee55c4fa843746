import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { subscriptionUrlSchema } from '@hookfleet/core';
import { compatRoute, type CompatApi, type CompatRequest, type CompatView } from '../compat.js';
import { hubPlannerCompatExamples } from './fixtures.js';
import { isHubPlannerSubscriptionEvent } from './events.js';

/** Hub Planner's `/subscription`: create, list, get, delete. Ids are 24 hex characters, like its Mongo ids. */

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
export const hubPlannerSubscriptionSchema = z.object({
  _id: objectId,
  companyId: objectId,
  creationDate: z.iso.datetime(),
  target_url: z.string(),
  event: z.string(),
  authorization_token: z.string().optional(),
});

const createSchema = z.object({
  event: z.string().refine(isHubPlannerSubscriptionEvent, 'not a supported event'),
  target_url: subscriptionUrlSchema,
  authorization_token: z.string().min(1).max(500).optional(),
});
type HubPlannerCreate = z.infer<typeof createSchema>;

/** The tenant is the Hub Planner company; its id is derived from the tenant id, so it is stable without storage. */
export function companyIdFor(tenant: string): string {
  return createHash('sha256').update(tenant).digest('hex').slice(0, 24);
}

function toCreate(input: HubPlannerCreate, request: CompatRequest) {
  return {
    fields: { url: input.target_url, events: [input.event], secret: input.authorization_token },
    compat: { companyId: companyIdFor(request.tenant) },
  };
}

export function presentHubPlannerSubscription({ subscription }: CompatView) {
  return {
    _id: subscription.compat._id,
    companyId: subscription.compat.companyId ?? companyIdFor(subscription.tenant),
    creationDate: subscription.created_at,
    target_url: subscription.url,
    event: subscription.events[0],
    ...(subscription.secret ? { authorization_token: subscription.secret } : {}),
  };
}

export const hubPlannerCompat: CompatApi = {
  auth: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The tenant key alone: `Authorization: <key>`' },
  credential(headers) {
    // `Authorization: <key>`, the key alone.
    const value = headers.authorization?.trim();
    return value && !/\s/.test(value) ? value : undefined;
  },
  idField: '_id',
  secretField: 'authorization_token',
  newId: () => randomBytes(12).toString('hex'),
  routes: [
    compatRoute({
      method: 'POST',
      path: '/subscription',
      operation: 'create',
      status: 201,
      body: createSchema,
      answer: hubPlannerSubscriptionSchema,
      examples: hubPlannerCompatExamples.create,
      toCreate,
    }),
    compatRoute({ method: 'GET', path: '/subscription', operation: 'list', status: 200, answer: z.array(hubPlannerSubscriptionSchema) }),
    compatRoute({ method: 'GET', path: '/subscription/:id', operation: 'get', status: 200, answer: hubPlannerSubscriptionSchema }),
    compatRoute({ method: 'DELETE', path: '/subscription/:id', operation: 'delete', status: 200, answer: hubPlannerSubscriptionSchema }),
  ],
  present: presentHubPlannerSubscription,
  answer(result) {
    return { status: result.status, body: result.operation === 'list' ? result.items : result.item };
  },
  error(failure) {
    return { status: failure.status, body: { error: failure.message, ...(failure.issues ? { issues: failure.issues } : {}) } };
  },
};
