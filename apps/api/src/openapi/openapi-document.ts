import { z } from 'zod';
import type { DocumentedRoute } from './route-catalog.js';

/** Express `:id` → OpenAPI `{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

/** Query parameters from an object schema: one parameter per property. */
function queryParameters(schema: z.ZodType): unknown[] {
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: property }));
}

export interface SecuritySchemeSet {
  /** Scheme name → OpenAPI security scheme object. */
  schemes: Record<string, unknown>;
}

/** The OpenAPI 3.1 document, generated from the route tables and their zod schemas. */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], security: SecuritySchemeSet, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const parameters = [
      ...[...route.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...(route.query ? queryParameters(route.query) : []),
    ];
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ''))}`,
      responses: Object.fromEntries(Object.entries(route.responses).map(([status, description]) => [status, { description }])),
    };
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
    const schemes = route.auth.filter((scheme) => scheme !== 'none');
    operation.security = schemes.length > 0 ? schemes.map((scheme) => ({ [scheme]: [] })) : [];
    paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'hookfleet', version, description: 'Webhook delivery fleet: ingest, subscriptions, deliveries, operations and provider compat APIs.' },
    servers: [{ url: '/' }],
    paths,
    components: { securitySchemes: security.schemes },
  };
}
