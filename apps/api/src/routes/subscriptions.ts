import { idCursorSchema, listQuerySchema, publicSubscription, rotateSecretSchema, subscriptionCreateSchema, subscriptionPatchSchema, ValidationFailed, type Subscription, type SubscriptionView } from '@hookfleet/core';
import { creatorForNewSubscription, ownerScopeOf, ownsSubscription } from '../portal/subscription-scope.js';
import { callerOf, route, tenantScopeOf, type NativeRoute, type PortalAccess, type RouteCall } from './route-table.js';
import { attemptListSchema, subscriptionPageSchema, subscriptionSchema, subscriptionSecretSchema } from './answer-schemas.js';

/** `metadata` is the tenant's bookkeeping (its customer ids, say): a subscriber must not be able to write it. */
const PORTAL_MAY_NOT_SET_METADATA = ['metadata'] as const;
const inScope: PortalAccess = { check: 'subscription' };
const subscriptionQuerySchema = listQuerySchema.extend({ tenant: listQuerySchema.shape.profile, cursor: idCursorSchema('sub') });

/**
 * A subscription as the caller sees it. A portal session's answers leave the signing secret out (`secret: null`): the
 * page asks for it only when someone clicks Reveal (`GET …/secret`) or rotates it, so a page that never showed it
 * never held it (docs/api.md, "The endpoint portal").
 */
function viewFor(call: Pick<RouteCall, 'principal'>, subscription: Subscription): SubscriptionView {
  const view = publicSubscription(subscription);
  return callerOf(call).kind === 'portal' ? { ...view, secret: null } : view;
}

export const subscriptionRoutes: NativeRoute[] = [
  route({
    method: 'post',
    path: '/v1/subscriptions',
    summary: 'Create a subscription',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none', tenantOnlyFields: PORTAL_MAY_NOT_SET_METADATA },
    body: subscriptionCreateSchema,
    answers: { 201: { description: 'The subscription with id, secret, created_at, updated_at', schema: subscriptionSchema } },
    errors: ['target_not_allowed', 'conflict'],
    async handler(call, { subscriptions }) {
      const { body } = call;
      const scope = tenantScopeOf(call);
      const tenant = scope ?? body.tenant;
      if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant' }]);
      if (scope && body.tenant && body.tenant !== scope) throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key creates subscriptions for its own tenant only' }]);
      const createdBy = creatorForNewSubscription(callerOf(call), body.created_by);
      const subscription = await subscriptions.create(tenant, { ...body, ...(createdBy !== undefined ? { created_by: createdBy } : {}) });
      return { status: 201, body: viewFor(call, subscription) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions',
    summary: 'List subscriptions',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none' },
    query: subscriptionQuerySchema,
    answers: { 200: { description: 'A page of subscriptions', schema: subscriptionPageSchema } },
    async handler(call, { subscriptions }) {
      const { query } = call;
      const tenant = tenantScopeOf(call) ?? query.tenant;
      if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant (?tenant=)' }]);
      const owner = ownerScopeOf(callerOf(call));
      const page = await subscriptions.store.list(tenant, {
        limit: query.limit,
        cursor: query.cursor,
        filter: (subscription) => ownsSubscription(owner, subscription) && (!query.profile || subscription.profile === query.profile),
      });
      return { status: 200, body: { data: page.data.map((subscription) => viewFor(call, subscription)), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions/:id',
    summary: 'One subscription',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: inScope,
    answers: { 200: { description: 'The subscription', schema: subscriptionSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions }) {
      return { status: 200, body: viewFor(call, await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)))) };
    },
  }),
  route({
    method: 'patch',
    path: '/v1/subscriptions/:id',
    summary: 'Update a subscription (active, url, events, secret, rate_limit …); an unknown field is a 400',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription', tenantOnlyFields: PORTAL_MAY_NOT_SET_METADATA },
    body: subscriptionPatchSchema,
    answers: { 200: { description: 'The subscription', schema: subscriptionSchema } },
    errors: ['not_found', 'target_not_allowed'],
    async handler(call, { subscriptions, pollMessages }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      const updated = await subscriptions.update(subscription, call.body);
      // Moved off pull mode: what waits in its log could no longer be fetched, and would stay pending until it expired.
      if (subscription.destination?.type === 'poll' && updated.destination?.type !== 'poll') await pollMessages.dropLog(subscription);
      return { status: 200, body: viewFor(call, updated) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/secret',
    summary: 'The signing secret alone: what the portal’s Reveal asks for',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: inScope,
    answers: { 200: { description: '`{ secret, previous_secret_expires_at }`', schema: subscriptionSecretSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions }) {
      const { secret, previous_secret_expires_at } = publicSubscription(await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call))));
      return { status: 200, body: { secret, previous_secret_expires_at } };
    },
  }),
  route({
    method: 'post',
    path: '/v1/subscriptions/:id/rotate-secret',
    summary: 'Replace the signing secret; the old one keeps signing for 24 h',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: inScope,
    body: rotateSecretSchema,
    answers: { 200: { description: 'The subscription with its new secret', schema: subscriptionSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      return { status: 200, body: publicSubscription(await subscriptions.rotate(subscription, call.body.secret)) };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/subscriptions/:id',
    summary: 'Delete a subscription',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: inScope,
    answers: { 204: { description: 'Deleted' } },
    errors: ['not_found'],
    async handler(call, { subscriptions, pollMessages }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      await subscriptions.remove(subscription);
      await pollMessages.dropLog(subscription);
      return { status: 204 };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/attempts',
    summary: 'The subscription’s attempt log, newest first',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: inScope,
    answers: { 200: { description: '`data: [{ delivery_id, event_id, attempt, status_code, ok, error, duration_ms, at }]`', schema: attemptListSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, deliveries }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      return { status: 200, body: { data: await deliveries.attempts(subscription.id) } };
    },
  }),
];
