import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { Forbidden, ValidationFailed } from '@hookfleet/core';
import type { TenantStore } from '@hookfleet/store';
import { authenticate, bearerCredential, principalOf } from '../auth.js';
import { parseOrThrow } from '../validate.js';
import { clearPortalCookie, fromPortalPage, PORTAL_REQUEST_HEADER, portalCookieCredential, setPortalCookie } from './portal-cookie.js';
import { portalSignInSchema } from './portal-schemas.js';
import { PORTAL_PATH } from './portal-session-routes.js';
import type { PortalTokens } from './portal-token.js';

/** apps/portal/dist, from apps/api/src/portal (tests) and apps/api/dist/portal (built) alike. */
export const PORTAL_DIST = fileURLToPath(new URL('../../../portal/dist/', import.meta.url));

/** Only the portal's own files: no inline script or style, no other origin, no framing. */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(_request: Request, response: Response, next: NextFunction) {
  response.set({
    'content-security-policy': PORTAL_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
  next();
}

function requirePortalPage(request: Request, _response: Response, next: NextFunction) {
  next(fromPortalPage(request) ? undefined : new Forbidden(`portal session calls need the ${PORTAL_REQUEST_HEADER}: 1 header`));
}

export interface PortalPagesOptions {
  tokens: PortalTokens;
  adminToken: string;
  tenants: TenantStore;
  /** @defaultValue PORTAL_DIST */
  distDir?: string;
}

/**
 * The portal's pages under /portal (the static build of apps/portal) and its session cookie: a portal link's token,
 * a tenant key or the operator token (naming a tenant) is exchanged for an HttpOnly, SameSite=Strict cookie that
 * holds a portal token, never the key itself.
 */
export function portalPages(options: PortalPagesOptions): Router {
  const distDir = options.distDir ?? PORTAL_DIST;
  const indexFile = join(distDir, 'index.html');
  const router = Router();
  router.use(PORTAL_PATH, securityHeaders);

  const signIn = authenticate(options.adminToken, options.tenants, [bearerCredential], options.tokens);
  router.post(`${PORTAL_PATH}/session`, signIn, requirePortalPage, async (request, response) => {
    const principal = principalOf(request);
    let session: { token: string; tenantId: string; expiresAt: number };
    if (principal.kind === 'portal') {
      session = { token: bearerCredential(request) as string, tenantId: principal.tenantId, expiresAt: principal.expiresAt };
    } else {
      const input = parseOrThrow(portalSignInSchema, request.body ?? {}, 'invalid sign-in');
      const tenantId = principal.kind === 'tenant' ? principal.tenantId : input.tenant;
      if (!tenantId) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator names the tenant to open the portal for' }]);
      if (principal.kind === 'tenant' && input.tenant && input.tenant !== tenantId)
        throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key opens its own tenant only' }]);
      if (!(await options.tenants.exists(tenantId))) throw new ValidationFailed('unknown tenant', [{ path: 'tenant', message: `unknown tenant ${tenantId}` }]);
      const minted = options.tokens.mint({ tenantId, subscriptionIds: null, createdBy: null });
      session = { token: minted.token, tenantId, expiresAt: minted.expiresAt.getTime() };
    }
    setPortalCookie(request, response, session.token, session.expiresAt);
    response.json({ tenant: session.tenantId, expires_at: new Date(session.expiresAt).toISOString() });
  });

  const cookieAuth = authenticate(options.adminToken, options.tenants, [bearerCredential, portalCookieCredential], options.tokens);
  router.get(`${PORTAL_PATH}/session`, cookieAuth, async (request, response) => {
    const principal = principalOf(request);
    if (principal.kind !== 'portal') throw new Forbidden('not a portal session: open a portal link, or sign in on the portal page');
    const tenant = await options.tenants.get(principal.tenantId);
    response.set('cache-control', 'no-store').json({
      tenant: { id: principal.tenantId, name: tenant?.name ?? principal.tenantId },
      subscriptions: principal.subscriptionIds,
      created_by: principal.createdBy,
      expires_at: new Date(principal.expiresAt).toISOString(),
      can_create: principal.subscriptionIds === null,
    });
  });

  router.delete(`${PORTAL_PATH}/session`, requirePortalPage, (request, response) => {
    clearPortalCookie(request, response);
    response.status(204).end();
  });

  // Vite's file names carry a content hash: cached for good; index.html is read fresh every time.
  router.use(`${PORTAL_PATH}/assets`, express.static(join(distDir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(PORTAL_PATH, express.static(distDir, { index: false }));
  // Every other page of the portal is the same document; its script routes by path.
  router.use(PORTAL_PATH, (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (!existsSync(indexFile)) {
      response.status(503).type('text/plain').send('The portal is not built: run `npm run build -w @hookfleet/portal`.\n');
      return;
    }
    response.set('cache-control', 'no-store').sendFile(indexFile);
  });
  return router;
}
