import { buildOpenApiDocument } from './openapi-document.js';
import { nativeRoutes, type DocumentedRoute } from './route-catalog.js';

export { docsRoutes } from './docs-routes.js';
export { nativeRoutes, type DocumentedRoute } from './route-catalog.js';
export { toOpenApiPath } from './openapi-document.js';

/** The whole document: native and operations routes plus whatever extra tables (compat routes) are mounted. */
export function hookfleetOpenApi(extraRoutes: readonly DocumentedRoute[] = [], extraSchemes: Record<string, unknown> = {}) {
  return buildOpenApiDocument([...nativeRoutes, ...extraRoutes], {
    schemes: {
      operator: { type: 'http', scheme: 'bearer', description: 'HOOKFLEET_ADMIN_TOKEN: may do everything' },
      tenant: { type: 'http', scheme: 'bearer', description: 'A tenant API key from POST /v1/tenants: its own objects only' },
      portal: { type: 'http', scheme: 'bearer', description: 'A portal token from POST /v1/portal-sessions (or the portal’s session cookie): one tenant’s subscriptions within the session’s scope' },
      ...extraSchemes,
    },
  }, '0.1.0');
}
export { mountedRoutes } from './mounted-routes.js';
