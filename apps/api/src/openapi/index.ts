import type { NativeRoute } from '../routes/route-table.js';
import { routeErrors } from '../routes/route-table.js';
import { buildOpenApiDocument, type DocumentedRoute } from './openapi-document.js';
import { takesIdempotencyKey } from '../idempotency.js';

export { DOCS_ASSETS_PATH, docsAssets } from './docs-routes.js';
export { toOpenApiPath, type DocumentedRoute } from './openapi-document.js';

/** A native route as the document describes it: its answers, and its errors by stable code. */
function documented(route: NativeRoute): DocumentedRoute {
  return { ...route, errorCodes: routeErrors(route), idempotent: takesIdempotencyKey(route) };
}

/** The whole document: the native route table plus whatever extra tables (compat routes) are mounted. */
export function hookfleetOpenApi(nativeRoutes: readonly NativeRoute[], extraRoutes: readonly DocumentedRoute[] = [], extraSchemes: Record<string, unknown> = {}) {
  return buildOpenApiDocument([...nativeRoutes.map(documented), ...extraRoutes], {
    schemes: {
      operator: { type: 'http', scheme: 'bearer', description: 'HOOKFLEET_ADMIN_TOKEN: may do everything' },
      tenant: { type: 'http', scheme: 'bearer', description: 'A tenant API key from POST /v1/tenants: its own objects only' },
      portal: { type: 'http', scheme: 'bearer', description: 'A portal token from POST /v1/portal-sessions (or the portal’s session cookie): one tenant’s subscriptions within the session’s scope' },
      ...extraSchemes,
    },
  }, '0.1.0');
}
