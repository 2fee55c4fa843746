import type { Request } from 'express';
import { Forbidden, sha256Hex, ValidationFailed, type IssueDetail } from '@hookfleet/core';
import { bearerCredential, type Principal } from '../auth.js';
import { callerOf, httpOf, route, type NativeRoute } from '../routes/route-table.js';
import { portalLinkSchema, portalSessionSchema, portalSignedInSchema } from '../routes/answer-schemas.js';
import { clearPortalCookie, portalCookieSecure, setPortalCookie } from './portal-cookie.js';
import { portalSessionCreateSchema, portalSignInSchema } from './portal-schemas.js';
import { publicBaseUrl, type PublicUrlSettings } from '../public-url.js';
import { unknownTenant } from '../subscription-service.js';

export const PORTAL_PATH = '/portal';

/**
 * Which tenant key a session is opened with, by the hash the key is stored under (TenantStore): the session ends with
 * the key. The operator's sessions end with its token (the portal tokens' key is derived from it).
 */
function openingKeyHash(principal: Principal, request: Request): string | undefined {
  return principal.kind === 'tenant' ? sha256Hex(bearerCredential(request) ?? '') : undefined;
}

/** Where the link points: the API's public address (HOOKFLEET_PUBLIC_URL, or the one the caller reached). */
export function portalUrl(publicUrl: PublicUrlSettings, request: Request, token: string): string {
  // The token rides in the fragment, which browsers never send to a server nor put in a Referer.
  return `${publicBaseUrl(publicUrl, request)}${PORTAL_PATH}/#token=${token}`;
}

/**
 * Portal links (POST /v1/portal-sessions, for a tenant's backend or the operator) and the portal's session cookie:
 * a portal link's token, a tenant key or the operator token (naming a tenant) is exchanged for an HttpOnly,
 * SameSite=Strict cookie that holds a portal token, never the key itself.
 */
export const portalSessionRoutes: NativeRoute[] = [
  route({
    method: 'post',
    path: '/v1/portal-sessions',
    summary: 'A link to the endpoint portal (/portal) with a signed token, scoped to the tenant and optionally to some subscriptions or one creator',
    tags: ['portal'],
    auth: ['operator', 'tenant'],
    body: portalSessionCreateSchema,
    answers: { 201: { description: 'The link and when it expires', schema: portalLinkSchema } },
    async handler(call, { tenants, subscriptions, portalTokens, publicUrl }) {
      const principal = callerOf(call);
      const input = call.body;
      const tenant = principal.kind === 'tenant' ? principal.tenantId : input.tenant;
      if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant' }]);
      if (principal.kind === 'tenant' && input.tenant && input.tenant !== tenant) {
        throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key opens portal sessions for its own tenant only' }]);
      }
      if (!(await tenants.exists(tenant))) throw unknownTenant(tenant);
      const subscriptionIds = input.subscriptions ? [...new Set(input.subscriptions)] : null;
      if (subscriptionIds) {
        const found = await subscriptions.store.getMany(subscriptionIds);
        const issues: IssueDetail[] = subscriptionIds.flatMap((id, index) =>
          found[index]?.tenant === tenant ? [] : [{ path: `subscriptions.${index}`, message: `unknown subscription ${id}` }],
        );
        if (issues.length > 0) throw new ValidationFailed('unknown subscriptions', issues);
      }
      const scope = { tenantId: tenant, subscriptionIds, createdBy: input.created_by ?? null, keyHash: openingKeyHash(principal, httpOf(call).request) };
      const { token, expiresAt } = portalTokens.mint(scope, input.expires_in);
      return { status: 201, body: { url: portalUrl(publicUrl, httpOf(call).request, token), expires_at: expiresAt.toISOString() } };
    },
  }),
  route({
    method: 'post',
    path: `${PORTAL_PATH}/session`,
    summary: 'Exchange a portal token, a tenant key or the operator token (with `tenant`) for the portal’s HttpOnly, SameSite=Strict session cookie; needs the `x-hookfleet-portal: 1` header',
    tags: ['portal'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none' },
    credentials: 'bearer',
    rateLimited: false,
    portalPageOnly: true,
    body: portalSignInSchema,
    answers: { 200: { description: 'The session’s tenant and expiry, and Set-Cookie', schema: portalSignedInSchema } },
    async handler(call, { tenants, portalTokens, publicUrl }) {
      const principal = callerOf(call);
      const { request, response } = httpOf(call);
      let session: { token: string; tenantId: string; expiresAt: number };
      if (principal.kind === 'portal') {
        session = { token: bearerCredential(request) as string, tenantId: principal.tenantId, expiresAt: principal.expiresAt };
      } else {
        const tenantId = principal.kind === 'tenant' ? principal.tenantId : call.body.tenant;
        if (!tenantId) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator names the tenant to open the portal for' }]);
        if (principal.kind === 'tenant' && call.body.tenant && call.body.tenant !== tenantId)
          throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key opens its own tenant only' }]);
        if (!(await tenants.exists(tenantId))) throw unknownTenant(tenantId);
        const minted = portalTokens.mint({ tenantId, subscriptionIds: null, createdBy: null, keyHash: openingKeyHash(principal, request) });
        session = { token: minted.token, tenantId, expiresAt: minted.expiresAt.getTime() };
      }
      setPortalCookie(response, session.token, session.expiresAt, portalCookieSecure(publicUrl, request));
      return { status: 200, body: { tenant: session.tenantId, expires_at: new Date(session.expiresAt).toISOString() } };
    },
  }),
  route({
    method: 'get',
    path: `${PORTAL_PATH}/session`,
    summary: 'The portal session of the cookie: tenant, scope, expiry',
    tags: ['portal'],
    auth: ['portal'],
    portal: { check: 'none' },
    credentials: 'bearer-or-cookie',
    rateLimited: false,
    answers: { 200: { description: 'The session’s tenant, scope and expiry', schema: portalSessionSchema } },
    async handler(call, { tenants }) {
      const principal = callerOf(call);
      if (principal.kind !== 'portal') throw new Forbidden('not a portal session: open a portal link, or sign in on the portal page');
      const tenant = await tenants.get(principal.tenantId);
      return {
        status: 200,
        headers: { 'cache-control': 'no-store' },
        body: {
          tenant: { id: principal.tenantId, name: tenant?.name ?? principal.tenantId },
          subscriptions: principal.subscriptionIds,
          created_by: principal.createdBy,
          expires_at: new Date(principal.expiresAt).toISOString(),
          can_create: principal.subscriptionIds === null,
        },
      };
    },
  }),
  route({
    method: 'delete',
    path: `${PORTAL_PATH}/session`,
    summary: 'Sign out of the portal (clears the cookie)',
    tags: ['portal'],
    auth: ['none'],
    portalPageOnly: true,
    answers: { 204: { description: 'Cookie cleared' } },
    handler(call, { publicUrl }) {
      const { request, response } = httpOf(call);
      clearPortalCookie(response, portalCookieSecure(publicUrl, request));
      return { status: 204 };
    },
  }),
];
