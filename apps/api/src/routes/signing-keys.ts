import { NotFound, signingKeySetSchema, type SigningKeySet } from '@hookfleet/core';
import { publicSigningKeys } from '@hookfleet/profiles';
import { route, tenantScopeOf, callerOf, type NativeRoute, type RouteServices } from './route-table.js';

/** Receivers may keep the document this long: a rotated-out key keeps signing alongside for far longer (24 h). */
const JWKS_CACHE_CONTROL = 'public, max-age=300';

/** The tenant's published public keys (its first key pair made now if it has none); 404 for an unknown tenant. */
async function publishedKeys(tenant: string, { tenants, signingKeys }: RouteServices): Promise<SigningKeySet> {
  if (!(await tenants.exists(tenant))) throw new NotFound(`tenant ${tenant} not found`);
  return { keys: publicSigningKeys(await signingKeys.ensure(tenant), new Date()) };
}

const keySetAnswer = { description: 'The public keys as JWKS members, the current one first', schema: signingKeySetSchema };

/** A read of the published keys, with the tenant in path parameter `tenantParam`: two paths answer the same document. */
function publishedKeysRoute(path: string, tenantParam: string, summary: string): NativeRoute {
  return route({
    method: 'get',
    path,
    summary,
    tags: ['signing keys'],
    auth: ['none'],
    answers: { 200: keySetAnswer },
    errors: ['not_found'],
    async handler(call, services) {
      return { status: 200, body: await publishedKeys(call.params[tenantParam] as string, services), headers: { 'cache-control': JWKS_CACHE_CONTROL } };
    },
  });
}

/**
 * The public halves of each tenant's `v1a` key pairs (docs/delivery.md, "Asymmetric signatures"): readable by anyone,
 * since a receiver needs nothing else to verify; rotated by the operator or the tenant itself.
 */
export const signingKeyRoutes: NativeRoute[] = [
  publishedKeysRoute('/v1/tenants/:id/signing-keys', 'id', "A tenant's public signing keys (v1a), readable without credentials"),
  publishedKeysRoute('/.well-known/hookfleet/:tenant/jwks.json', 'tenant', "A tenant's public signing keys as a JWKS document at a well-known path"),
  route({
    method: 'post',
    path: '/v1/tenants/:id/signing-keys/rotate',
    summary: 'Make a new current signing key; the old one signs alongside and stays published for 24 h',
    tags: ['signing keys'],
    auth: ['operator', 'tenant'],
    answers: { 200: keySetAnswer },
    errors: ['not_found'],
    async handler(call, services) {
      const tenant = call.params.id as string;
      // A tenant rotates its own keys only; another tenant's answers as unknown.
      const scope = tenantScopeOf(call);
      if ((scope !== null && scope !== tenant) || !(await services.tenants.exists(tenant))) throw new NotFound(`tenant ${tenant} not found`);
      services.logger.info({ tenant, principal: callerOf(call).kind }, 'signing keys rotated');
      return { status: 200, body: { keys: publicSigningKeys(await services.signingKeys.rotate(tenant), new Date()) } };
    },
  }),
];
