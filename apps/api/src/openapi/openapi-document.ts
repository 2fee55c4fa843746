import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '@hookfleet/core';
import type { AnswerSpec, HttpMethod } from '../routes/route-table.js';
import { errorAnswerSchema } from '../routes/answer-schemas.js';

/** One operation of the document: a native route (routes/route-table.ts) or a compat route (compat/compat-openapi.ts). */
export interface DocumentedRoute {
  method: HttpMethod;
  /** Express syntax (`/v1/subscriptions/:id`). */
  path: string;
  summary: string;
  tags: string[];
  /** Security scheme names, or `none`. */
  auth: readonly string[];
  body?: z.ZodType;
  query?: z.ZodType;
  answers: Record<number, AnswerSpec>;
  /** Error answers in the native `{ error, code, issues? }` shape, by stable code. */
  errorCodes?: readonly ErrorCode[];
  /** Takes an `Idempotency-Key` header (idempotency.ts). */
  idempotent?: boolean;
  /** Error answers in another style (a compat provider's): status → description. */
  foreignErrors?: Record<number, string>;
}

const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to send again: the first success answer is kept 24 h and answered again (with `Idempotent-Replayed: true`) to the same request with the same key; 409 while it runs, 422 for the key with another request.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/** Express `:id` → OpenAPI `{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

/** Query parameters from an object schema: one parameter per property. */
function queryParameters(schema: z.ZodType): unknown[] {
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: property }));
}

function successAnswer(spec: AnswerSpec): Record<string, unknown> {
  if (spec.schema) return { description: spec.description, content: { 'application/json': { schema: jsonSchema(spec.schema, 'output') } } };
  if (spec.type) return { description: spec.description, content: { [spec.type]: { schema: { type: 'string' } } } };
  return { description: spec.description };
}

/** The error answers of some codes, grouped by the status each code maps to (ERROR_CODES). */
function errorAnswers(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  const schema = jsonSchema(errorAnswerSchema, 'output');
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => [String(status), { description: `\`code\`: ${statusCodes.join(', ')}`, content: { 'application/json': { schema } } }]),
  );
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
      ...(route.idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : []),
    ];
    const responses = {
      ...Object.fromEntries(Object.entries(route.answers).map(([status, spec]) => [status, successAnswer(spec)])),
      ...errorAnswers(route.errorCodes ?? []),
      ...Object.fromEntries(Object.entries(route.foreignErrors ?? {}).map(([status, description]) => [status, { description }])),
    };
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ''))}`,
      responses,
    };
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) operation.requestBody = { required: !route.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
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
