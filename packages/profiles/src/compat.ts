import type { z } from 'zod';
import type { IssueDetail, Subscription, SubscriptionCreate, SubscriptionPatch } from '@hookfleet/core';
import type { Bookkeeping } from './profile.js';

/**
 * A provider's own subscription REST API as data plus pure mappings (docs/profiles.md, "What a profile is").
 * The API owns Express: one generic router mounts every profile's table under `/<profile>`, runs the
 * credential extractor, validates with the route's zod schema, calls the subscription service and
 * renders answers and errors with the functions below.
 */

export type CompatMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route does to the tenant's subscriptions of this profile. */
export type CompatOperation = 'list' | 'get' | 'create' | 'update' | 'replace' | 'delete';

/** The parts of an HTTP request a mapping may read; header names are lower case. */
export interface CompatRequest {
  method: string;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  headers: Readonly<Record<string, string | undefined>>;
  /** This request's absolute URL without its query string (Gigapay's page links). */
  url: string;
  /** A fresh id for this request (Paybook's `rid`). */
  requestId: string;
  /** The tenant the credential belongs to. */
  tenant: string;
  /** The sub-scope of the tenant this request acts in (Gigapay's Integration-ID); '' when none. */
  scope: string;
}

/** A subscription as a compat route sees it: the document plus the profile's bookkeeping. */
export interface CompatView {
  subscription: Subscription;
  bookkeeping: Bookkeeping;
}

/** Subscription fields a compat request sets; the router adds the profile and the tenant. */
export type CompatSubscriptionFields = Omit<SubscriptionCreate, 'profile' | 'tenant' | 'active' | 'rate_limit'> & { active?: boolean };

export interface CompatCreate {
  fields: CompatSubscriptionFields;
  /** Provider fields kept in `subscription.compat`; the router adds the provider id under `idField`. */
  compat: Record<string, unknown>;
  /** An id the client chose (Gigapay); absent = the router makes one. */
  id?: string;
}

export interface CompatUpdate {
  patch: SubscriptionPatch;
  compat?: Record<string, unknown>;
  /** A new provider id (Gigapay lets PATCH and PUT change `id`). */
  id?: string;
  /** Bookkeeping fields an update clears (Paymo resets `last_status_code`). */
  resetBookkeeping?: readonly string[];
}

export interface CompatAnswer {
  status: number;
  /** JSON body; undefined = an empty answer. */
  body?: unknown;
}

export interface CompatFailure {
  status: number;
  /** Stable code (`validation_failed`, `not_found`, `unauthorized` …). */
  code: string;
  message: string;
  issues?: IssueDetail[] | undefined;
}

/**
 * A failure as one sentence with each issue's field and message (`invalid request: name: required`), for providers
 * whose errors carry only a message (Paymo, Forecast).
 */
export function failureSentence(failure: Pick<CompatFailure, 'message' | 'issues'>): string {
  const detail = failure.issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return detail ? `${failure.message}: ${detail}` : failure.message;
}

export type CompatResult =
  | { operation: 'list'; status: number; items: unknown[] }
  | { operation: 'get' | 'create' | 'update' | 'replace' | 'delete'; status: number; item: unknown };

/** A request and its answer as a seed document shows them; the conformance suite parses both with the route's schemas. */
export interface CompatExample {
  request?: unknown;
  answer?: unknown;
}

export interface CompatRoute<Body = unknown> {
  method: CompatMethod;
  /** Path under `/<profile>`, Express syntax (`/api/hooks/:id`). */
  path: string;
  operation: CompatOperation;
  /** HTTP status of a successful answer. */
  status: number;
  /** Validates the JSON body of create, update and replace routes. */
  body?: z.ZodType<Body>;
  /** The shape of this route's answer body: the seed's examples and the real answers both parse with it. */
  answer?: z.ZodType;
  examples?: readonly CompatExample[];
  /** create: the validated body → the subscription to make. */
  toCreate?(input: Body, request: CompatRequest): CompatCreate;
  /** update and replace: the validated body and the current subscription → the change. */
  toUpdate?(input: Body, current: CompatView, request: CompatRequest): CompatUpdate;
}

/** The provider's auth header style, as data for documentation (an OpenAPI security scheme). */
export type CompatAuthStyle =
  | { type: 'http'; scheme: 'basic'; description: string }
  | { type: 'apiKey'; in: 'header'; name: string; description: string };

export interface CompatApi {
  auth: CompatAuthStyle;
  /**
   * The `WWW-Authenticate` challenge a 401 carries, in the provider's scheme (Paymo `Basic`, Gigapay `Token`); absent =
   * none. A client that sends its credentials only when challenged (.NET's or Java's built-in Basic auth) needs it.
   */
  challenge?: string;
  /** The tenant key from the provider's own auth header style; the router also accepts `Bearer`. */
  credential(headers: CompatRequest['headers']): string | undefined;
  /** A header whose value replaces the method of a POST (Paybook's SDK sends everything as POST). */
  methodOverrideHeader?: string;
  /** Creates with this header return the stored answer for the same key within `ttlSeconds` (Gigapay). */
  idempotency?: { header: string; ttlSeconds: number };
  /** The field of `subscription.compat` holding the provider's id (`id`, `_id`, `id_webhook`). */
  idField: string;
  /** The provider's name for the signing secret in its bodies, which a refused secret's error names; absent = `secret`. */
  secretField?: string;
  /** New ids: a per-tenant integer sequence (Paymo, Forecast) or a generator. */
  newId: 'sequence' | (() => string);
  /** The sub-scope of the tenant ids and listings live in; absent = ''. */
  scope?(headers: CompatRequest['headers']): string;
  routes: readonly CompatRoute[];
  /** A subscription as the provider shows it. */
  present(view: CompatView): unknown;
  /** The answer of a successful operation (wrapping, envelope, pagination). */
  answer(result: CompatResult, request: CompatRequest): CompatAnswer;
  /** An error in the provider's style. */
  error(failure: CompatFailure, request: Pick<CompatRequest, 'requestId'>): CompatAnswer;
}

/** Keeps a route's body type for its mappings while the table holds routes of many bodies. */
export function compatRoute<Body>(route: CompatRoute<Body>): CompatRoute {
  return route as CompatRoute;
}
