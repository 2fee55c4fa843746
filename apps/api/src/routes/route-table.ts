import type { Request, Response } from 'express';
import { z } from 'zod';
import { Unauthorized, type ErrorCode } from '@hookfleet/core';
import type { Principal } from '../auth.js';
import type { AppDependencies } from '../app.js';
import type { PortalTokens } from '../portal/portal-token.js';
import { takesIdempotencyKey } from '../idempotency.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: the operator's token, a tenant key, a portal session (link or cookie), or anyone. */
export type AuthKind = 'operator' | 'tenant' | 'portal' | 'none';

/** What a portal session's scope must cover before the route runs (its subscription, delivery or operation). */
export type PortalScopeCheck = 'none' | 'subscription' | 'subscription-query' | 'delivery' | 'operation';

export interface PortalAccess {
  check: PortalScopeCheck;
  /** Body fields a portal session may not set here: they belong to the tenant's own backend. */
  tenantOnlyFields?: readonly string[];
}

/** Everything a handler may use: the app's services, the portal's token signer and the OpenAPI document. */
export interface RouteServices extends AppDependencies {
  portalTokens: PortalTokens;
  /** The OpenAPI document; its `servers` names the public address the request reached (public-url.ts). */
  openApiDocument: (request?: Request) => unknown;
}

/** One call of a route, its inputs already parsed with the route's schemas. */
export interface RouteCall<Query = unknown, Body = unknown> {
  params: Record<string, string>;
  query: Query;
  body: Body;
  /** null on routes anyone may call. */
  principal: Principal | null;
  /** The Express request and response (cookies, the host a link points at); absent on the ingest fast path. */
  http?: { request: Request; response: Response };
}

/** What a handler answers: JSON unless `type` names another content type; no body is an empty answer. */
export interface RouteAnswer {
  status: number;
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
}

/** One documented answer of a route: a description and, for JSON, the schema the body satisfies. */
export interface AnswerSpec {
  description: string;
  schema?: z.ZodType;
  /** A content type other than JSON (HTML, Prometheus text, JavaScript). */
  type?: string;
}

/**
 * One native route, declared once: Express mounts it (routes/mount.ts), the OpenAPI document describes it
 * (openapi/openapi-document.ts), and the ingest fast path runs its handler.
 */
export interface NativeRoute<Query = unknown, Body = unknown> {
  method: HttpMethod;
  /** Express syntax (`/v1/subscriptions/:id`); each `:name` is a string path parameter. */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it (the first credential found decides); anyone else gets 403, no credentials 401. */
  auth: readonly AuthKind[];
  /** Required exactly when `auth` admits portal sessions: how their scope is checked. */
  portal?: PortalAccess;
  /** Credentials read: a bearer header (default), or also the portal's session cookie. */
  credentials?: 'bearer' | 'bearer-or-cookie';
  /** The management API's per-tenant and per-portal limits apply (default: true when authenticated). */
  rateLimited?: boolean;
  /** A POST that takes an `Idempotency-Key` (default: every authenticated POST; idempotency.ts). */
  idempotent?: boolean;
  /** Only the portal's own pages may call it (the `x-hookfleet-portal: 1` header, against cross-site requests). */
  portalPageOnly?: boolean;
  query?: z.ZodType<Query>;
  body?: z.ZodType<Body>;
  /** Success answers by status. */
  answers: Record<number, AnswerSpec>;
  /** Error codes the route itself raises, beyond those its auth and schemas imply (routes/mount.ts, impliedErrors). */
  errors?: readonly ErrorCode[];
  handler(call: RouteCall<Query, Body>, services: RouteServices): Promise<RouteAnswer> | RouteAnswer;
}

/** Declares a route with its query and body types inferred from its schemas. */
export function route<Query = undefined, Body = undefined>(declaration: NativeRoute<Query, Body>): NativeRoute {
  return declaration as unknown as NativeRoute;
}

/** The route's path parameter names, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => match[1] as string);
}

/** The error codes a route can answer with: those its auth, schemas and body imply, and those it declares. */
export function routeErrors(route: NativeRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (route.body || route.query) codes.add('validation_failed');
  if (route.body) {
    codes.add('invalid_json');
    codes.add('payload_too_large');
  }
  if (!route.auth.includes('none')) {
    codes.add('unauthorized');
    codes.add('forbidden');
    if (route.rateLimited !== false) codes.add('rate_limited');
  }
  if (route.portalPageOnly) codes.add('forbidden');
  if (takesIdempotencyKey(route)) {
    codes.add('validation_failed');
    codes.add('conflict');
    codes.add('unprocessable');
  }
  for (const code of route.errors ?? []) codes.add(code);
  return [...codes];
}

/** The caller of an authenticated route (the mount never runs its handler without one). */
export function callerOf(call: Pick<RouteCall, 'principal'>): Principal {
  if (!call.principal) throw new Unauthorized('missing credentials');
  return call.principal;
}

/** The tenant a call acts for: the key's (or portal session's) tenant; null for the operator, who names one. */
export function tenantScopeOf(call: Pick<RouteCall, 'principal'>): string | null {
  const principal = callerOf(call);
  return principal.kind === 'operator' ? null : principal.tenantId;
}

/** The Express request and response of a call, for the few routes that set cookies or build links. */
export function httpOf(call: RouteCall): { request: Request; response: Response } {
  if (!call.http) throw new Error('this route needs the HTTP request');
  return call.http;
}
