import { z } from 'zod';
import {
  deliveryListQuerySchema,
  eventBatchSchema,
  eventInputSchema,
  eventListQuerySchema,
  eventTypesQuerySchema,
  listQuerySchema,
  recoverSchema,
  replaySchema,
  rotateSecretSchema,
  subscriptionCreateSchema,
  subscriptionPatchSchema,
  tenantCreateSchema,
  testDeliverySchema,
} from '@hookfleet/core';
import { portalSessionCreateSchema, portalSignInSchema } from '../portal/portal-schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthScheme = 'operator' | 'tenant' | 'none' | string;

/** One documented route: the same zod schemas the handlers validate with. */
export interface DocumentedRoute {
  method: HttpMethod;
  /** Express syntax (`/v1/subscriptions/:id`). */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it; `tenant` routes accept the operator too. */
  auth: AuthScheme[];
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<string, string>;
}

const operator: AuthScheme[] = ['operator'];
const anyone: AuthScheme[] = ['operator', 'tenant'];
/** Routes a portal session may call too (apps/api/src/portal/portal-guard.ts), inside its scope. */
const portalToo: AuthScheme[] = ['operator', 'tenant', 'portal'];
const errors = { '400': 'Invalid input: `{ error, issues: [{ path, message }] }`', '401': 'Missing or wrong credentials' };

/** The native and operations routes of docs/contract.md. */
export const nativeRoutes: DocumentedRoute[] = [
  { method: 'post', path: '/v1/tenants', summary: 'Create a tenant and its API key', tags: ['tenants'], auth: operator, body: tenantCreateSchema, responses: { '201': '{ id, name, api_key }', ...errors } },
  { method: 'post', path: '/v1/events', summary: 'Publish one event', tags: ['events'], auth: operator, body: eventInputSchema, responses: { '202': '{ id, deduplicated: false }', '200': '{ id, deduplicated: true } — the id was seen within 24 h', '413': 'Body over 1 MiB', ...errors } },
  { method: 'post', path: '/v1/events/batch', summary: 'Publish up to 500 events', tags: ['events'], auth: operator, body: eventBatchSchema, responses: { '202': '{ results: [{ id, deduplicated }] } in order', '413': 'Body over 1 MiB', ...errors } },
  { method: 'get', path: '/v1/events', summary: 'List retained events by tenant and time, newest first', tags: ['events'], auth: anyone, query: eventListQuerySchema, responses: { '200': '{ data: [{ id, tenant, profile, type, occurred_at, received_at }], next_cursor }', ...errors } },
  { method: 'get', path: '/v1/events/:id', summary: 'One event with its data and deliveries', tags: ['events'], auth: anyone, responses: { '200': 'The event with `data` and `deliveries: [{ id, subscription_id, status }]`', '404': 'Unknown, expired or another tenant’s' } },
  { method: 'post', path: '/v1/subscriptions', summary: 'Create a subscription', tags: ['subscriptions'], auth: portalToo, body: subscriptionCreateSchema, responses: { '201': 'The subscription with id, secret, created_at, updated_at', ...errors } },
  { method: 'get', path: '/v1/subscriptions', summary: 'List subscriptions', tags: ['subscriptions'], auth: portalToo, query: listQuerySchema.extend({ tenant: z.string().optional() }), responses: { '200': '{ data, next_cursor }', ...errors } },
  { method: 'get', path: '/v1/subscriptions/:id', summary: 'One subscription', tags: ['subscriptions'], auth: portalToo, responses: { '200': 'The subscription', '404': 'Unknown or another tenant’s' } },
  { method: 'patch', path: '/v1/subscriptions/:id', summary: 'Update a subscription (active, url, events, secret, rate_limit …)', tags: ['subscriptions'], auth: portalToo, body: subscriptionPatchSchema, responses: { '200': 'The subscription', '404': 'Unknown or another tenant’s', ...errors } },
  { method: 'post', path: '/v1/subscriptions/:id/rotate-secret', summary: 'Replace the signing secret; the old one keeps signing for 24 h', tags: ['subscriptions'], auth: portalToo, body: rotateSecretSchema, responses: { '200': 'The subscription with its new secret', '404': 'Unknown or another tenant’s', ...errors } },
  { method: 'delete', path: '/v1/subscriptions/:id', summary: 'Delete a subscription', tags: ['subscriptions'], auth: portalToo, responses: { '204': 'Deleted', '404': 'Unknown or another tenant’s' } },
  { method: 'get', path: '/v1/subscriptions/:id/attempts', summary: 'The subscription’s attempt log, newest first', tags: ['subscriptions'], auth: portalToo, responses: { '200': '{ data: [{ delivery_id, event_id, attempt, status_code, ok, error, duration_ms, at }] }', '404': 'Unknown' } },
  { method: 'post', path: '/v1/subscriptions/:id/recover', summary: 'Attempt every failed or dead delivery of a window again', tags: ['operations'], auth: portalToo, body: recoverSchema, responses: { '202': '{ operation_id }', '409': 'The subscription is inactive: enable it first', ...errors } },
  { method: 'post', path: '/v1/subscriptions/:id/replay', summary: 'Deliver every retained event of a window the subscription matches now', tags: ['operations'], auth: portalToo, body: replaySchema, responses: { '202': '{ operation_id }', '409': 'The subscription is inactive: enable it first', ...errors } },
  { method: 'post', path: '/v1/subscriptions/:id/test', summary: 'Send one signed test delivery now and report the answer', tags: ['operations'], auth: portalToo, body: testDeliverySchema, responses: { '200': '{ ok, status_code, duration_ms, error }', ...errors } },
  { method: 'get', path: '/v1/deliveries', summary: 'A subscription’s deliveries by status and time', tags: ['deliveries'], auth: portalToo, query: deliveryListQuerySchema, responses: { '200': '{ data: [delivery], next_cursor }', ...errors } },
  { method: 'get', path: '/v1/deliveries/:id', summary: 'One delivery', tags: ['deliveries'], auth: portalToo, responses: { '200': '{ id, event_id, subscription_id, status, attempts, next_attempt_at }', '404': 'Unknown' } },
  { method: 'post', path: '/v1/deliveries/:id/retry', summary: 'One more attempt now, same webhook-id', tags: ['deliveries'], auth: portalToo, responses: { '202': 'The delivery, status pending', '404': 'Unknown' } },
  { method: 'get', path: '/v1/operations/:id', summary: 'Progress of a recover or replay', tags: ['operations'], auth: portalToo, responses: { '200': '{ id, kind, status, total, done }', '404': 'Unknown' } },
  { method: 'get', path: '/v1/event-types', summary: 'Every profile’s event catalogue', tags: ['events'], auth: portalToo, query: eventTypesQuerySchema, responses: { '200': '{ data: [{ profile, type, description }] }' } },
  { method: 'get', path: '/v1/subscriptions/:id/stats', summary: 'The endpoint’s last 24 h: attempts, success ratio, last status code, attempts per hour by outcome', tags: ['subscriptions'], auth: portalToo, responses: { '200': '{ window_hours, attempts, succeeded, success_ratio, last_status_code, last_attempt_at, last_error, hourly: [{ hour, success, failure, error }], log_limit, log_truncated }', '404': 'Unknown or another tenant’s' } },
  { method: 'post', path: '/v1/portal-sessions', summary: 'A link to the endpoint portal (/portal) with a signed token, scoped to the tenant and optionally to some subscriptions or one creator', tags: ['portal'], auth: anyone, body: portalSessionCreateSchema, responses: { '201': '{ url, expires_at }', '403': 'Called with a portal token', ...errors } },
  { method: 'post', path: '/portal/session', summary: 'Exchange a portal token, a tenant key or the operator token (with `tenant`) for the portal’s HttpOnly, SameSite=Strict session cookie; needs the `x-hookfleet-portal: 1` header', tags: ['portal'], auth: portalToo, body: portalSignInSchema, responses: { '200': '{ tenant, expires_at } and Set-Cookie', '403': 'Without the x-hookfleet-portal header', ...errors } },
  { method: 'get', path: '/portal/session', summary: 'The portal session of the cookie: tenant, scope, expiry', tags: ['portal'], auth: ['portal'], responses: { '200': '{ tenant: { id, name }, subscriptions, created_by, expires_at, can_create }', '401': 'No session, or an expired, forged or foreign token' } },
  { method: 'delete', path: '/portal/session', summary: 'Sign out of the portal (clears the cookie)', tags: ['portal'], auth: ['none'], responses: { '204': 'Cookie cleared' } },
  { method: 'get', path: '/healthz', summary: 'Process alive', tags: ['health'], auth: ['none'], responses: { '200': '{ ok: true }' } },
  { method: 'get', path: '/readyz', summary: 'Redis answers and takes a write, and the queues answer', tags: ['health'], auth: ['none'], responses: { '200': '{ ok: true }', '503': '{ ok: false }' } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tags: ['health'], auth: ['none'], responses: { '200': 'Prometheus text format' } },
  { method: 'get', path: '/openapi.json', summary: 'This document', tags: ['health'], auth: ['none'], responses: { '200': 'OpenAPI 3.1' } },
  { method: 'get', path: '/docs', summary: 'The HTML reference of this document', tags: ['health'], auth: ['none'], responses: { '200': 'HTML' } },
  { method: 'get', path: '/docs/init.js', summary: 'The script that renders /docs', tags: ['health'], auth: ['none'], responses: { '200': 'JavaScript' } },
];
