import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { Forbidden } from '@hookfleet/core';
import { authenticate, bearerCredential, type CredentialExtractor, type Principal } from '../auth.js';
import { managementRateLimit } from '../abuse-limits.js';
import { parseOrThrow } from '../validate.js';
import { describeRequest, IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyOf, runIdempotent, takesIdempotencyKey } from '../idempotency.js';
import { callerScopeOf } from '../caller-scope.js';
import { fromPortalPage, PORTAL_REQUEST_HEADER, portalCookieCredential } from '../portal/portal-cookie.js';
import { portalScopeCheck } from '../portal/portal-guard.js';
import type { NativeRoute, RouteAnswer, RouteServices } from './route-table.js';

/** Why a caller of the wrong kind is refused, by its kind. */
const REFUSALS: Record<Principal['kind'], string> = {
  operator: 'not a portal session: open a portal link, or sign in on the portal page',
  tenant: 'operator token required',
  portal: 'a portal session cannot use this route',
};

export function sendAnswer(response: Response, answer: RouteAnswer): void {
  if (answer.headers) response.set(answer.headers);
  response.status(answer.status);
  if (answer.body === undefined) response.end();
  else if (answer.type) response.type(answer.type).send(answer.body);
  else response.json(answer.body);
}

const requirePortalPage: RequestHandler = (request, _response, next) => {
  if (fromPortalPage(request)) return next();
  // Says which of the two checks (portal-cookie.ts, fromPortalPage) refused it.
  const why =
    request.headers[PORTAL_REQUEST_HEADER] === '1' ? 'the browser marked this request as sent by another origin (Sec-Fetch-Site)' : `it lacks the ${PORTAL_REQUEST_HEADER}: 1 header`;
  next(new Forbidden(`portal session calls come from the portal's own pages only: ${why}`));
};

/** Mounts the route table on Express: per route its credentials, limits, caller kinds, schemas and handler. */
export function mountRoutes(app: Express, routes: readonly NativeRoute[], services: RouteServices): void {
  const portalScope = portalScopeCheck({ subscriptions: services.subscriptions.store, deliveries: services.deliveries, operations: services.operations });
  const rateLimit = managementRateLimit(services.tenantApiLimit);
  const extractors: Record<NonNullable<NativeRoute['credentials']>, CredentialExtractor[]> = {
    bearer: [bearerCredential],
    'bearer-or-cookie': [bearerCredential, portalCookieCredential],
  };
  const authenticators = {
    bearer: authenticate(services.adminToken, services.tenants, extractors.bearer, services.portalTokens),
    'bearer-or-cookie': authenticate(services.adminToken, services.tenants, extractors['bearer-or-cookie'], services.portalTokens),
  };

  for (const route of routes) {
    // A portal session without a scope check could reach any tenant's objects: refuse to start with such a route.
    if (route.auth.includes('portal') !== (route.portal !== undefined)) throw new Error(`${route.method} ${route.path}: declare \`portal\` exactly when auth admits portal sessions`);
    const open = route.auth.includes('none');
    const idempotent = takesIdempotencyKey(route);
    const chain: RequestHandler[] = [];
    if (!open) chain.push(authenticators[route.credentials ?? 'bearer-or-cookie']);
    if (route.portalPageOnly) chain.push(requirePortalPage);
    if (!open && route.rateLimited !== false) chain.push(rateLimit);

    const run = async (request: Request, response: Response, _next: NextFunction) => {
      const principal = request.principal ?? null;
      if (principal && !route.auth.includes(principal.kind)) throw new Forbidden(REFUSALS[principal.kind]);
      const params = Object.fromEntries(Object.entries(request.params ?? {}).map(([name, value]) => [name, String(value)]));
      const rawBody: unknown = request.body ?? {};
      const query = route.query ? parseOrThrow(route.query, request.query, 'invalid query') : request.query;
      if (principal?.kind === 'portal' && route.portal) {
        // Scope first: an object outside the session answers 404 whatever the body holds (docs/api.md, "The endpoint
        // portal"), as another tenant's does; the 403 for a tenant-only field is for the session's own objects.
        await portalScope.assertInScope(principal, route.portal, { params, query, body: rawBody });
        portalScope.assertNoTenantOnlyFields(route.portal, rawBody);
      }
      const body = route.body ? parseOrThrow(route.body, rawBody, 'invalid request body') : undefined;
      // An answer to credentials is that caller's alone and may hold a secret (a signing secret, a new API key, a
      // portal link): no cache, shared or the browser's, may keep it. A route that may be cached says so itself.
      if (!open) response.set('cache-control', 'no-store');
      const handle = async () => route.handler({ params, query, body, principal, http: { request, response } }, services);
      const key = idempotent && principal ? idempotencyKeyOf(request) : undefined;
      const call = principal && key !== undefined
        ? { scope: callerScopeOf(principal), key, request: describeRequest({ method: request.method, path: request.originalUrl, body: rawBody }), replayedHeader: IDEMPOTENT_REPLAYED_HEADER }
        : undefined;
      sendAnswer(response, call ? await runIdempotent(services.idempotency, call, handle) : await handle());
    };
    app[route.method](route.path, ...chain, run);
  }
}

/**
 * Behind the table, under `/v1`: a path no route declares still asks for credentials first (401 without), and a
 * portal session is refused (403), before the 404; nothing about which paths exist leaks to an anonymous caller.
 */
export function unknownManagementPaths(services: RouteServices): RequestHandler[] {
  const authenticated = authenticate(services.adminToken, services.tenants, [bearerCredential, portalCookieCredential], services.portalTokens);
  const refusePortal: RequestHandler = (request, _response, next) => next(request.principal?.kind === 'portal' ? new Forbidden(REFUSALS.portal) : undefined);
  return [authenticated, managementRateLimit(services.tenantApiLimit), refusePortal];
}
