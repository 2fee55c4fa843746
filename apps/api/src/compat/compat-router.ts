import { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { NotFound } from '@hookfleet/core';
import { profiles, type CompatAnswer, type CompatApi, type CompatRequest, type CompatRoute, type ProviderProfile } from '@hookfleet/profiles';
import type { CompatStore, TenantStore } from '@hookfleet/store';
import { authenticate, bearerCredential } from '../auth.js';
import { managementRateLimit, type TokenBuckets } from '../abuse-limits.js';
import type { SubscriptionService } from '../subscription-service.js';
import { failureOf } from '../failure.js';
import { lowerCaseHeaders, newRequestId, toCompatRequest } from './compat-request.js';
import { CompatSubscriptions } from './compat-subscriptions.js';
import { performCompatRoute } from './compat-operations.js';

export interface CompatRouterDependencies {
  adminToken: string;
  tenants: TenantStore;
  subscriptions: SubscriptionService;
  compatStore: CompatStore;
  logger: Logger;
  /** The management API's per-tenant limit (HOOKFLEET_TENANT_API_RATE), the same buckets the native routes take from. */
  tenantApiLimit: TokenBuckets;
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
      const compatRequest: CompatRequest = toCompatRequest(request, api, requestId);
      sendCompatAnswer(response, await performCompatRoute({ route, api, subscriptions, store, profile: profile.name }, compatRequest, request.body));
    } catch (error) {
      const failure = failureOf(error);
      if (failure.unexpected) dependencies.logger.error({ err: error, profile: profile.name }, 'compat route failed');
      sendCompatAnswer(response, api.error(failure, { requestId }), failure.retryAfterSeconds);
    }
  }

  for (const route of api.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](`${prefix}${route.path}`, (request, response) => answer(route, request, response));
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
    sendCompatAnswer(response, entry.api.error(failure, { requestId: newRequestId() }), failure.retryAfterSeconds);
  };
  return [router, errorHandler];
}
