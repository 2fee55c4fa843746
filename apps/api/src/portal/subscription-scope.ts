import { Forbidden, ValidationFailed, type Subscription } from '@hookfleet/core';
import type { Principal } from '../auth.js';

/** Whose subscriptions a request may see: one tenant's, optionally narrowed (a portal session's scope). */
export interface SubscriptionOwner {
  tenantId: string;
  subscriptionIds: readonly string[] | null;
  createdBy: string | null;
}

/** null: the operator (every tenant); a string: a tenant key (all of that tenant's); an owner: a portal session. */
export type OwnerScope = string | SubscriptionOwner | null;

export function ownerScopeOf(principal: Principal): OwnerScope {
  if (principal.kind === 'operator') return null;
  if (principal.kind === 'tenant') return principal.tenantId;
  return { tenantId: principal.tenantId, subscriptionIds: principal.subscriptionIds, createdBy: principal.createdBy };
}

export function ownsSubscription(owner: OwnerScope, subscription: Pick<Subscription, 'id' | 'tenant' | 'created_by'>): boolean {
  if (owner === null) return true;
  if (typeof owner === 'string') return subscription.tenant === owner;
  return (
    subscription.tenant === owner.tenantId &&
    (owner.subscriptionIds === null || owner.subscriptionIds.includes(subscription.id)) &&
    (owner.createdBy === null || subscription.created_by === owner.createdBy)
  );
}

/**
 * The `created_by` a new subscription gets. A portal session narrowed to a creator creates for that creator only;
 * one narrowed to a list of subscriptions creates nothing (what it made would fall outside its own list).
 */
export function creatorForNewSubscription(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.kind !== 'portal') return requested;
  if (principal.subscriptionIds !== null) throw new Forbidden('this portal session is limited to its subscriptions and cannot create new ones');
  if (principal.createdBy === null) return requested;
  if (requested !== undefined && requested !== principal.createdBy) {
    throw new ValidationFailed('created_by mismatch', [{ path: 'created_by', message: 'this portal session creates subscriptions for its own user only' }]);
  }
  return principal.createdBy;
}
