import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { PORTAL_PATH } from './portal-session-routes.js';

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

/** The portal's security headers, on its pages and its session routes alike (mounted on PORTAL_PATH). */
export function portalSecurityHeaders(_request: Request, response: Response, next: NextFunction) {
  response.set({
    'content-security-policy': PORTAL_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  });
  next();
}

export interface PortalPagesOptions {
  /** @defaultValue PORTAL_DIST */
  distDir?: string;
}

/**
 * The portal's pages under /portal: the static build of apps/portal. Its session cookie routes are in the route
 * table (portal-session-routes.ts).
 */
export function portalPages(options: PortalPagesOptions = {}): Router {
  const distDir = options.distDir ?? PORTAL_DIST;
  const indexFile = join(distDir, 'index.html');
  const router = Router();
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
