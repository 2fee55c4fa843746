import { apiKeyRotateSchema, idCursorSchema, listQuerySchema, NotFound, tenantCreateSchema } from '@hookfleet/core';
import { callerOf, route, tenantScopeOf, type NativeRoute, type RouteCall } from './route-table.js';
import { tenantPageSchema, tenantSchema, tenantWithKeySchema } from './answer-schemas.js';

const tenantListQuerySchema = listQuerySchema.pick({ limit: true }).extend({ cursor: idCursorSchema('ten') });

/** The tenant a path names, as the caller may see it: the operator any, a tenant key only its own (another's is a 404). */
function namedTenant(call: Pick<RouteCall, 'principal' | 'params'>): string {
  const tenant = call.params.id as string;
  const scope = tenantScopeOf(call);
  if (scope !== null && scope !== tenant) throw new NotFound(`tenant ${tenant} not found`);
  return tenant;
}

export const tenantRoutes: NativeRoute[] = [
  route({
    method: 'post',
    path: '/v1/tenants',
    summary: 'Create a tenant and its API key',
    tags: ['tenants'],
    auth: ['operator'],
    body: tenantCreateSchema,
    answers: { 201: { description: 'The tenant with its API key (shown once)', schema: tenantWithKeySchema } },
    async handler({ body }, { tenants }) {
      return { status: 201, body: await tenants.create(body.name) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/tenants',
    summary: 'Every tenant, oldest first (never their keys)',
    tags: ['tenants'],
    auth: ['operator'],
    query: tenantListQuerySchema,
    answers: { 200: { description: 'A page of tenants and the cursor of the next one', schema: tenantPageSchema } },
    async handler({ query }, { tenants }) {
      return { status: 200, body: await tenants.list(query) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/tenants/:id',
    summary: 'A tenant, and until when its rotated-out API key still works',
    tags: ['tenants'],
    auth: ['operator', 'tenant'],
    answers: { 200: { description: 'The tenant (never its key)', schema: tenantSchema } },
    errors: ['not_found'],
    async handler(call, { tenants }) {
      const tenant = await tenants.get(namedTenant(call));
      if (!tenant) throw new NotFound(`tenant ${call.params.id} not found`);
      return { status: 200, body: tenant };
    },
  }),
  route({
    method: 'post',
    path: '/v1/tenants/:id/api-key/rotate',
    summary: 'Replace the API key; the old one works `previous_key_expires_in` seconds more (0: revoked now)',
    tags: ['tenants'],
    auth: ['operator', 'tenant'],
    body: apiKeyRotateSchema,
    answers: { 200: { description: 'The tenant with its new API key (shown once)', schema: tenantWithKeySchema } },
    errors: ['not_found', 'conflict'],
    async handler(call, { tenants, logger }) {
      const rotated = await tenants.rotateApiKey(namedTenant(call), call.body.previous_key_expires_in);
      if (!rotated) throw new NotFound(`tenant ${call.params.id} not found`);
      logger.info({ tenant: rotated.id, principal: callerOf(call).kind, previous_key_expires_at: rotated.previous_key_expires_at }, 'API key rotated');
      return { status: 200, body: rotated };
    },
  }),
];
