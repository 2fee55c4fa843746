import { Forbidden, NotFound, ValidationFailed } from '@hookfleet/core';
import type { DeliveryStore, OperationStore, SubscriptionStore } from '@hookfleet/store';
import type { Principal } from '../auth.js';
import type { PortalAccess } from '../routes/route-table.js';
import { ownerScopeOf, ownsSubscription } from './subscription-scope.js';

type PortalPrincipal = Extract<Principal, { kind: 'portal' }>;

export interface PortalScopeDependencies {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  operations: OperationStore;
}

/** What a portal-session call names: the path's id and the query's subscription, and the raw body. */
export interface PortalScopedCall {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
}

/**
 * A portal session reaches only the routes whose declaration admits it (routes/route-table.ts, `portal`), and only
 * inside its scope: the subscription, delivery or operation the call names must belong to the session.
 */
export function portalScopeCheck(dependencies: PortalScopeDependencies) {
  async function assertSubscriptionInScope(principal: PortalPrincipal, subscriptionId: string, notFound: string): Promise<void> {
    const subscription = await dependencies.subscriptions.get(subscriptionId);
    if (!subscription || !ownsSubscription(ownerScopeOf(principal), subscription)) throw new NotFound(notFound);
  }

  async function assertInScope(principal: PortalPrincipal, access: PortalAccess, call: PortalScopedCall): Promise<void> {
    const id = call.params.id ?? '';
    switch (access.check) {
      case 'none':
        return;
      case 'subscription':
        return assertSubscriptionInScope(principal, id, `subscription ${id} not found`);
      case 'subscription-query': {
        const subscriptionId = (call.query as { subscription?: unknown } | undefined)?.subscription;
        if (typeof subscriptionId !== 'string') throw new ValidationFailed('invalid query', [{ path: 'subscription', message: 'required: one subscription id' }]);
        return assertSubscriptionInScope(principal, subscriptionId, `subscription ${subscriptionId} not found`);
      }
      case 'delivery': {
        const delivery = await dependencies.deliveries.get(id);
        if (!delivery) throw new NotFound(`delivery ${id} not found`);
        return assertSubscriptionInScope(principal, delivery.subscription_id, `delivery ${id} not found`);
      }
      case 'operation': {
        const operation = await dependencies.operations.get(id);
        if (!operation || operation.tenant !== principal.tenantId) throw new NotFound(`operation ${id} not found`);
        return assertSubscriptionInScope(principal, operation.subscription_id, `operation ${id} not found`);
      }
    }
  }

  /** Body fields the route keeps for the tenant's own backend: a portal session may not set them. */
  function assertNoTenantOnlyFields(access: PortalAccess, body: unknown): void {
    const refused = (access.tenantOnlyFields ?? []).filter((field) => body !== null && typeof body === 'object' && Object.hasOwn(body, field));
    if (refused.length > 0) throw new Forbidden(`a portal session cannot set ${refused.join(', ')}`);
  }

  return { assertInScope, assertNoTenantOnlyFields };
}

export type PortalScope = ReturnType<typeof portalScopeCheck>;
