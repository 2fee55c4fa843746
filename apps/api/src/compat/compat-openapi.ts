import { profiles, type CompatOperation } from '@hookfleet/profiles';
import type { DocumentedRoute } from '../openapi/openapi-document.js';
import type { HttpMethod } from '../routes/route-table.js';

const SUMMARIES: Record<CompatOperation, string> = {
  list: 'List webhooks',
  get: 'One webhook',
  create: 'Create a webhook',
  update: 'Update a webhook (only the fields sent)',
  replace: 'Replace a webhook',
  delete: 'Delete a webhook',
};

/** Every profile's compat table as documented routes and security schemes, for the OpenAPI document. */
export function compatOpenApi(): [DocumentedRoute[], Record<string, unknown>] {
  const routes: DocumentedRoute[] = [];
  const schemes: Record<string, unknown> = {};
  for (const profile of profiles) {
    if (!profile.compat) continue;
    const scheme = `${profile.name}Key`;
    schemes[scheme] = profile.compat.auth;
    for (const route of profile.compat.routes) {
      routes.push({
        method: route.method.toLowerCase() as HttpMethod,
        path: `/${profile.name}${route.path}`,
        summary: `${SUMMARIES[route.operation]} (${profile.name}, in the provider's own shapes)`,
        tags: [`compat: ${profile.name}`],
        auth: [scheme, 'tenant', 'operator'],
        ...(route.body ? { body: route.body } : {}),
        answers: { [route.status]: { description: `The provider's answer (${route.operation})` } },
        foreignErrors: {
          400: "Invalid input, in the provider's error style",
          401: 'Missing or wrong credentials',
          404: 'Unknown or another tenant’s webhook',
          429: 'A tenant key over its management rate (HOOKFLEET_TENANT_API_RATE); Retry-After says when to try again',
        },
      });
    }
  }
  return [routes, schemes];
}
