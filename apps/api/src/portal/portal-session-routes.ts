import { Router, type Request } from 'express';
import { Forbidden, ValidationFailed, type IssueDetail } from '@hookfleet/core';
import type { SubscriptionStore, TenantStore } from '@hookfleet/store';
import { principalOf } from '../auth.js';
import { parseOrThrow } from '../validate.js';
import { portalSessionCreateSchema } from './portal-schemas.js';
import type { PortalTokens } from './portal-token.js';
import { publicBaseUrl, type PublicUrlSettings } from '../public-url.js';

export const PORTAL_PATH = '/portal';

/** Where the link points: the API's public address (HOOKFLEET_PUBLIC_URL, or the one the caller reached). */
export function portalUrl(publicUrl: PublicUrlSettings, request: Request, token: string): string {
  // The token rides in the fragment, which browsers never send to a server nor put in a Referer.
  return `${publicBaseUrl(publicUrl, request)}${PORTAL_PATH}/#token=${token}`;
}

/** POST /v1/portal-sessions: a tenant's backend (or the operator for a tenant) asks for a portal link. */
export function portalSessionRoutes(tokens: PortalTokens, tenants: TenantStore, subscriptions: SubscriptionStore, publicUrl: PublicUrlSettings): Router {
  const router = Router();
  router.post('/v1/portal-sessions', async (request, response) => {
    const principal = principalOf(request);
    if (principal.kind === 'portal') throw new Forbidden('a portal session cannot open portal sessions');
    const input = parseOrThrow(portalSessionCreateSchema, request.body ?? {}, 'invalid portal session');
    const tenant = principal.kind === 'tenant' ? principal.tenantId : input.tenant;
    if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant' }]);
    if (principal.kind === 'tenant' && input.tenant && input.tenant !== tenant) {
      throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key opens portal sessions for its own tenant only' }]);
    }
    if (!(await tenants.exists(tenant))) throw new ValidationFailed('unknown tenant', [{ path: 'tenant', message: `unknown tenant ${tenant}` }]);
    const subscriptionIds = input.subscriptions ? [...new Set(input.subscriptions)] : null;
    if (subscriptionIds) {
      const found = await subscriptions.getMany(subscriptionIds);
      const issues: IssueDetail[] = subscriptionIds.flatMap((id, index) =>
        found[index]?.tenant === tenant ? [] : [{ path: `subscriptions.${index}`, message: `unknown subscription ${id}` }],
      );
      if (issues.length > 0) throw new ValidationFailed('unknown subscriptions', issues);
    }
    const { token, expiresAt } = tokens.mint({ tenantId: tenant, subscriptionIds, createdBy: input.created_by ?? null }, input.expires_in);
    response.status(201).json({ url: portalUrl(publicUrl, request, token), expires_at: expiresAt.toISOString() });
  });
  return router;
}
