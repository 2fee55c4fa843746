import type { Router } from 'express';
import type { DeliveryStore, OperationStore, TenantStore } from '@hookfleet/store';
import { bearerCredential, type CredentialExtractor } from '../auth.js';
import type { TokenBuckets } from '../abuse-limits.js';
import type { SubscriptionService } from '../subscription-service.js';
import { portalCookieCredential } from './portal-cookie.js';
import { portalGuard } from './portal-guard.js';
import { portalPages } from './portal-pages.js';
import { portalSessionRoutes } from './portal-session-routes.js';
import { endpointStatsRoutes } from './stats-routes.js';
import { PortalTokens } from './portal-token.js';
import type { PublicUrlSettings } from '../public-url.js';

export { PortalTokens, PORTAL_TOKEN_PREFIX } from './portal-token.js';
export { PORTAL_COOKIE, PORTAL_REQUEST_HEADER } from './portal-cookie.js';
export { PORTAL_CSP, PORTAL_DIST } from './portal-pages.js';
export { PORTAL_ROUTES } from './portal-guard.js';

export interface PortalDependencies {
  adminToken: string;
  tenants: TenantStore;
  subscriptions: SubscriptionService;
  deliveries: DeliveryStore;
  operations: OperationStore;
  tenantApiLimit: TokenBuckets;
  publicUrl: PublicUrlSettings;
}

/** The endpoint portal's parts, for app.ts to mount: pages, the `/v1` credentials and guard, and its routes. */
export function endpointPortal(dependencies: PortalDependencies) {
  const tokens = new PortalTokens(dependencies.adminToken);
  const credentials: CredentialExtractor[] = [bearerCredential, portalCookieCredential];
  const routes: Router[] = [
    portalSessionRoutes(tokens, dependencies.tenants, dependencies.subscriptions.store, dependencies.publicUrl),
    endpointStatsRoutes(dependencies.subscriptions, dependencies.deliveries),
  ];
  return {
    tokens,
    credentials,
    pages: portalPages({ tokens, adminToken: dependencies.adminToken, tenants: dependencies.tenants }),
    guard: portalGuard({
      subscriptions: dependencies.subscriptions.store,
      deliveries: dependencies.deliveries,
      operations: dependencies.operations,
      rateLimit: dependencies.tenantApiLimit,
    }),
    routes,
  };
}
