import { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { NotFound, statusOf, type ErrorCode } from '@hookfleet/core';
import { profiles, type CompatAnswer, type CompatApi, type CompatFailure, type CompatRequest, type CompatRoute, type ProviderProfile } from '@hookfleet/profiles';
import type { CompatStore, IdempotencyStore, TenantStore } from '@hookfleet/store';
import { authenticate, bearerCredential } from '../auth.js';
import { managementRateLimit, type TokenBuckets } from '../abuse-limits.js';
import type { SubscriptionService } from '../subscription-service.js';
import { failureOf } from '../failure.js';
import type { PublicUrlSettings } from '../public-url.js';
import { lowerCaseHeaders, newRequestId, toCompatRequest } from './compat-request.js';
import { CompatSubscriptions } from './compat-subscriptions.js';
import { performCompatRoute } from './compat-operations.js';

export interface CompatRouterDependencies {
  adminToken: string;
  tenants: TenantStore;
  subscriptions: SubscriptionService;
  compatStore: CompatStore;
  /** The kept answers of creates sent with a provider's idempotency key (idempotency.ts). */
  idempotency: IdempotencyStore;
  logger: Logger;
  /** The management API's per-tenant limit (HOOKFLEET_TENANT_API_RATE), the same buckets the native routes take from. */
  tenantApiLimit: TokenBuckets;
  /** The public address: the base of the links an answer carries (Gigapay's `next` and `previous`). */
  publicUrl: PublicUrlSettings;
}

interface MountedProfile {
  prefix: string;
  profile: ProviderProfile;
  api: CompatApi;
}

const OVERRIDABLE_METHODS = new Set(['GET', 'PUT', 'PATCH', 'DELETE']);

/** Sends a profile's answer; a failure that says when to try again (429, 503) carries Retry-After in every style. */
export function sendCompatAnswer(response: Response, answer: CompatAnswer, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) response.set('retry-after', String(retryAfterSeconds));
  if (answer.body === undefined) response.status(answer.status).end();
  else response.status(answer.status).json(answer.body);
}

/** Each path of a profile's table with the methods it answers: its routes' own, HEAD with GET (Express answers it), OPTIONS. */
function allowedMethodsByPath(api: CompatApi): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const route of api.routes) {
    const methods = byPath.get(route.path) ?? [];
    methods.push(route.method);
    byPath.set(route.path, methods);
  }
  for (const methods of byPath.values()) methods.push(...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS');
  return byPath;
}

/** The failure a known path answers for a method it does not serve, worded as Django REST framework words it. */
function methodNotAllowed(method: string): CompatFailure {
  const code: ErrorCode = 'method_not_allowed';
  return { status: statusOf(code), code, message: `Method "${method}" not allowed.` };
}

/** Sends a failure in the provider's style, with its challenge on a 401 and Retry-After where it says when to try again. */
function sendCompatFailure(response: Response, api: CompatApi, failure: CompatFailure & { retryAfterSeconds?: number | undefined }, requestId: string): void {
  if (failure.status === 401 && api.challenge) response.set('www-authenticate', api.challenge);
  sendCompatAnswer(response, api.error(failure, { requestId }), failure.retryAfterSeconds);
}

/** A POST whose override header names another method is routed as that method (Paybook's SDK). */
function methodOverride(header: string) {
  return (request: Request, _response: Response, next: NextFunction) => {
    const override = lowerCaseHeaders(request)[header]?.trim().toUpperCase();
    if (request.method === 'POST' && override && OVERRIDABLE_METHODS.has(override)) request.method = override;
    next();
  };
}

/**
 * Mounts one profile's table with full paths (`/paymo/api/hooks`) on the shared router, so route listings see
 * every compat route; the profile's middleware (method override, auth, not found) is scoped to its prefix.
 */
function mountProfile(router: Router, mounted: MountedProfile, dependencies: CompatRouterDependencies, store: CompatStore): void {
  const { profile, api, prefix } = mounted;
  const subscriptions = new CompatSubscriptions(profile, dependencies.subscriptions, store);
  if (api.methodOverrideHeader) router.use(prefix, methodOverride(api.methodOverrideHeader));
  // The provider's own header style for the tenant key, and Bearer (tenant key or operator token) as everywhere.
  router.use(prefix, authenticate(dependencies.adminToken, dependencies.tenants, [(request) => api.credential(lowerCaseHeaders(request)), bearerCredential]));
  // Compat routes are management requests of a tenant key like the native ones: without the limit, a key could
  // create, list and delete through them (each create a DNS lookup for the address rules) at any rate.
  router.use(prefix, managementRateLimit(dependencies.tenantApiLimit));

  async function answer(route: CompatRoute, request: Request, response: Response): Promise<void> {
    const requestId = newRequestId();
    try {
      const compatRequest: CompatRequest = toCompatRequest(request, api, requestId, dependencies.publicUrl);
      sendCompatAnswer(response, await performCompatRoute({ route, api, subscriptions, idempotency: dependencies.idempotency, profile: profile.name }, compatRequest, request.body));
    } catch (error) {
      const failure = failureOf(error);
      if (failure.unexpected) dependencies.logger.error({ err: error, profile: profile.name }, 'compat route failed');
      sendCompatFailure(response, api, failure, requestId);
    }
  }

  for (const route of api.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](`${prefix}${route.path}`, (request, response) => answer(route, request, response));
  }
  // A path the table serves, asked with a method it does not: 405 with Allow, as the providers answer (docs/contract.md,
  // "Compat routes"), not the 404 of an unknown path; OPTIONS answers with the Allow list alone.
  for (const [path, allowed] of allowedMethodsByPath(api)) {
    router.all(`${prefix}${path}`, (request, response) => {
      response.set('allow', allowed.join(', '));
      if (request.method === 'OPTIONS') response.status(204).end();
      else sendCompatFailure(response, api, methodNotAllowed(request.method), newRequestId());
    });
  }
  router.use(prefix, (request, _response, next) => next(new NotFound(`no route for ${request.method} ${request.originalUrl}`)));
}

/**
 * Every profile's own subscription API under `/<profile>` (its table in packages/profiles), and the error handler
 * that answers in each provider's style, also for errors raised before the router (a body that is not JSON).
 */
export function compatRoutes(dependencies: CompatRouterDependencies): Array<Router | ErrorRequestHandler> {
  const store = dependencies.compatStore;
  const mounted: MountedProfile[] = profiles.flatMap((profile) => (profile.compat ? [{ prefix: `/${profile.name}`, profile, api: profile.compat }] : []));
  const router = Router();
  for (const entry of mounted) mountProfile(router, entry, dependencies, store);

  const errorHandler: ErrorRequestHandler = (error, request, response, next) => {
    const entry = mounted.find(({ prefix }) => request.path === prefix || request.path.startsWith(`${prefix}/`));
    if (!entry || response.headersSent) return next(error);
    const failure = failureOf(error);
    if (failure.unexpected) dependencies.logger.error({ err: error, profile: entry.profile.name }, 'compat request failed');
    sendCompatFailure(response, entry.api, failure, newRequestId());
  };
  return [router, errorHandler];
}
