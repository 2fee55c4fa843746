import type { NextFunction, Request, Response } from 'express';
import { Forbidden, NotFound, ValidationFailed } from '@hookfleet/core';
import type { DeliveryStore, OperationStore, SubscriptionStore } from '@hookfleet/store';
import type { TokenBuckets } from '../abuse-limits.js';
import { TooManyRequests } from '../abuse-limits.js';
import type { Principal } from '../auth.js';
import { ownerScopeOf, ownsSubscription } from './subscription-scope.js';

type PortalPrincipal = Extract<Principal, { kind: 'portal' }>;

/** What must be in the session's scope before the route runs. */
type ScopeCheck = 'none' | 'subscription' | 'subscription-query' | 'delivery' | 'operation';

interface PortalRoute {
  methods: readonly string[];
  /** Matched against the path under `/v1`; the first group is the id the check reads. */
  path: RegExp;
  check: ScopeCheck;
  /** Body fields a portal session may not set here: they belong to the tenant's own backend. */
  tenantOnlyFields?: readonly string[];
}

/** `metadata` is the tenant's bookkeeping (its customer ids, say): a subscriber must not be able to write it. */
const TENANT_ONLY = ['metadata'] as const;

/**
 * Every `/v1` route a portal session may call, and what its scope must cover; anything else is a 403. A route added
 * later stays closed to portal sessions until it is listed here with its check.
 */
export const PORTAL_ROUTES: readonly PortalRoute[] = [
  { methods: ['GET', 'POST'], path: /^\/subscriptions\/?$/i, check: 'none', tenantOnlyFields: TENANT_ONLY },
  { methods: ['GET', 'PATCH', 'DELETE'], path: /^\/subscriptions\/([^/]+)\/?$/i, check: 'subscription', tenantOnlyFields: TENANT_ONLY },
  { methods: ['POST'], path: /^\/subscriptions\/([^/]+)\/(?:rotate-secret|recover|replay|test)\/?$/i, check: 'subscription' },
  { methods: ['GET'], path: /^\/subscriptions\/([^/]+)\/(?:attempts|stats)\/?$/i, check: 'subscription' },
  { methods: ['GET'], path: /^\/deliveries\/?$/i, check: 'subscription-query' },
  { methods: ['GET'], path: /^\/deliveries\/([^/]+)\/?$/i, check: 'delivery' },
  { methods: ['POST'], path: /^\/deliveries\/([^/]+)\/retry\/?$/i, check: 'delivery' },
  { methods: ['GET'], path: /^\/operations\/([^/]+)\/?$/i, check: 'operation' },
  { methods: ['GET'], path: /^\/event-types\/?$/i, check: 'none' },
];

export interface PortalGuardDependencies {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  operations: OperationStore;
  /** Portal sessions share a bucket per tenant, apart from the tenant key's own. */
  rateLimit: TokenBuckets;
}

function decodedId(match: RegExpExecArray): string {
  try {
    return decodeURIComponent(match[1] ?? '');
  } catch {
    throw new NotFound('not found');
  }
}

/** Mounted on `/v1` after authentication: lets a portal session reach only its routes, and only inside its scope. */
export function portalGuard(dependencies: PortalGuardDependencies) {
  async function assertSubscriptionInScope(principal: PortalPrincipal, subscriptionId: string, notFound: string): Promise<void> {
    const subscription = await dependencies.subscriptions.get(subscriptionId);
    if (!subscription || !ownsSubscription(ownerScopeOf(principal), subscription)) throw new NotFound(notFound);
  }

  async function check(principal: PortalPrincipal, request: Request, kind: ScopeCheck, match: RegExpExecArray): Promise<void> {
    if (kind === 'none') return;
    if (kind === 'subscription') {
      const id = decodedId(match);
      return assertSubscriptionInScope(principal, id, `subscription ${id} not found`);
    }
    if (kind === 'subscription-query') {
      const id = request.query.subscription;
      if (typeof id !== 'string') throw new ValidationFailed('invalid query', [{ path: 'subscription', message: 'one subscription id' }]);
      return assertSubscriptionInScope(principal, id, `subscription ${id} not found`);
    }
    const id = decodedId(match);
    if (kind === 'delivery') {
      const delivery = await dependencies.deliveries.get(id);
      if (!delivery) throw new NotFound(`delivery ${id} not found`);
      return assertSubscriptionInScope(principal, delivery.subscription_id, `delivery ${id} not found`);
    }
    const operation = await dependencies.operations.get(id);
    if (!operation || operation.tenant !== principal.tenantId) throw new NotFound(`operation ${id} not found`);
    return assertSubscriptionInScope(principal, operation.subscription_id, `operation ${id} not found`);
  }

  return async (request: Request, _response: Response, next: NextFunction) => {
    const principal = request.principal;
    if (principal?.kind !== 'portal') return next();
    try {
      const verdict = dependencies.rateLimit.take(`portal:${principal.tenantId}`);
      if (!verdict.ok) throw new TooManyRequests('too many requests for this portal; slow down', verdict.retryAfterSeconds);
      for (const route of PORTAL_ROUTES) {
        const match = route.path.exec(request.path);
        if (!match || !route.methods.includes(request.method)) continue;
        await check(principal, request, route.check, match);
        const body: unknown = request.body;
        const refused = (route.tenantOnlyFields ?? []).filter((field) => body !== null && typeof body === 'object' && Object.hasOwn(body, field));
        if (refused.length > 0) throw new Forbidden(`a portal session cannot set ${refused.join(', ')}`);
        return next();
      }
      throw new Forbidden('a portal session cannot use this route');
    } catch (error) {
      next(error);
    }
  };
}
