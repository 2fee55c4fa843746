import type { NativeRoute } from './route-table.js';
import { healthRoutes } from './health.js';
import { tenantRoutes } from './tenants.js';
import { signingKeyRoutes } from './signing-keys.js';
import { publishRoutes } from './events.js';
import { eventLogRoutes } from './event-log.js';
import { subscriptionRoutes } from './subscriptions.js';
import { subscriptionOperationRoutes } from './subscription-operations.js';
import { deliveryRoutes } from './deliveries.js';
import { eventTypeRoutes } from './event-types.js';
import { endpointStatsRoutes } from '../portal/stats-routes.js';
import { portalSessionRoutes } from '../portal/portal-session-routes.js';
import { docsRoutes } from '../openapi/docs-routes.js';
import { homeRoutes } from './home.js';

/**
 * The native API, every route declared once: Express is mounted from this table (routes/mount.ts), GET /openapi.json
 * is generated from it, and the ingest fast path runs its POST /v1/events handler. The compat routes have their own
 * tables in packages/profiles.
 */
export const nativeRoutes: readonly NativeRoute[] = [
  ...tenantRoutes,
  ...signingKeyRoutes,
  ...publishRoutes,
  ...eventLogRoutes,
  ...subscriptionRoutes,
  ...endpointStatsRoutes,
  ...subscriptionOperationRoutes,
  ...deliveryRoutes,
  ...eventTypeRoutes,
  ...portalSessionRoutes,
  ...homeRoutes,
  ...healthRoutes,
  ...docsRoutes,
];
