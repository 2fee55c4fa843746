import { apiKeyRotateSchema, idCursorSchema, listQuerySchema, NotFound, tenantCreateSchema } from '@hookfleet/core';
import { callerOf, route, tenantScopeOf, type NativeRoute, type RouteCall, type RouteServices } from './route-table.js';
import { tenantPageSchema, tenantSchema, tenantWithKeySchema } from './answer-schemas.js';

const tenantListQuerySchema = listQuerySchema.pick({ limit: true }).extend({ cursor: idCursorSchema('ten') });

/** The tenant a path names, as the caller may see it: the operator any, a tenant key only its own (another's is a 404). */
function namedTenant(call: Pick<RouteCall, 'principal' | 'params'>): string {
  const tenant = call.params.id as string;
  const scope = tenantScopeOf(call);
  if (scope !== null && scope !== tenant) throw new NotFound(`tenant ${tenant} not found`);
  return tenant;
}

/**
 * Deletes a tenant, in an order where stopping anywhere (a crash, a Redis that starts refusing writes) leaves nothing
 * of it usable and a DELETE sent again finishes the job: first one write ends every use of it (its keys, portal
 * sessions, JWKS, new events and subscriptions: TenantStore.beginDeletion), then its subscriptions go as DELETE
 * /v1/subscriptions/:id removes one (the workers end their pending deliveries), then its signing keys and compat ids,
 * and last its index entry and record (TenantStore.finishDeletion). A subscription or compat id created at the same
 * moment is either written before that first write, and found by the steps after it, or refused (SubscriptionStore.create,
 * CompatStore). False when there was no tenant to delete.
 */
async function deleteTenant(id: string, { tenants, events, subscriptions, pollMessages, signingKeys, compatStore, retentionMs, logger }: RouteServices): Promise<boolean> {
  const deletion = await tenants.beginDeletion(id);
  if (!deletion) return false;
  events.forgetTenant(id);
  const removed = await subscriptions.removeAllOfTenant(id, (subscription) => pollMessages.dropLog(subscription));
  await signingKeys.remove(id);
  await compatStore.removeTenant(id, { indexed: deletion.compatIdsIndexed });
  await tenants.finishDeletion(id, retentionMs);
  logger.info({ tenant: id, subscriptions_removed: removed }, 'tenant deleted');
  return true;
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
    method: 'patch',
    path: '/v1/tenants/:id',
    summary: 'Rename a tenant',
    tags: ['tenants'],
    auth: ['operator', 'tenant'],
    body: tenantCreateSchema,
    answers: { 200: { description: 'The tenant (never its key)', schema: tenantSchema } },
    errors: ['not_found', 'conflict'],
    async handler(call, { tenants }) {
      const renamed = await tenants.rename(namedTenant(call), call.body.name);
      if (!renamed) throw new NotFound(`tenant ${call.params.id} not found`);
      return { status: 200, body: renamed };
    },
  }),
  route({
    method: 'delete',
    path: '/v1/tenants/:id',
    summary: 'Delete a tenant: its keys and portal sessions stop at once, its subscriptions, signing keys and compat ids go',
    tags: ['tenants'],
    auth: ['operator'],
    answers: { 204: { description: 'Deleted (a deletion that stopped partway is finished by sending it again)' } },
    errors: ['not_found', 'conflict'],
    async handler(call, services) {
      if (!(await deleteTenant(call.params.id as string, services))) throw new NotFound(`tenant ${call.params.id} not found`);
      return { status: 204 };
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
