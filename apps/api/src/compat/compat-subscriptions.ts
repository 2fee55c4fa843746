import { NotFound, ValidationFailed, type Subscription } from '@hookfleet/core';
import type { CompatApi, CompatCreate, CompatUpdate, CompatView, ProviderProfile } from '@hookfleet/profiles';
import type { CompatStore } from '@hookfleet/store';
import { unknownTenant, type SubscriptionService } from '../subscription-service.js';

export interface CompatScope {
  tenant: string;
  /** Gigapay's Integration-ID, '' elsewhere. */
  scope: string;
}

/**
 * One profile's subscriptions as its compat API sees them: ordinary hookfleet subscriptions (visible at
 * /v1/subscriptions), found by the provider's id through a small index per (profile, tenant, scope).
 */
export class CompatSubscriptions {
  private readonly api: CompatApi;

  constructor(
    private readonly profile: ProviderProfile,
    private readonly service: SubscriptionService,
    private readonly store: CompatStore,
  ) {
    if (!profile.compat) throw new Error(`profile ${profile.name} has no compat API`);
    this.api = profile.compat;
  }

  private get name(): string {
    return this.profile.name;
  }

  providerIdOf(subscription: Subscription): string {
    return String(subscription.compat[this.api.idField]);
  }

  async view(subscription: Subscription): Promise<CompatView> {
    return { subscription, bookkeeping: await this.service.store.bookkeeping(subscription.id) };
  }

  private belongs(subscription: Subscription | null, { tenant }: CompatScope): subscription is Subscription {
    return subscription !== null && subscription.tenant === tenant && subscription.profile === this.name;
  }

  /** In creation order; ids whose subscription is gone (deleted natively, or by Paymo's 410) leave the index. */
  async list(where: CompatScope): Promise<CompatView[]> {
    const bound = [...(await this.store.all(this.name, where.tenant, where.scope))];
    const subscriptions = await this.service.store.getMany(bound.map(([, subscriptionId]) => subscriptionId));
    const live: Subscription[] = [];
    for (const [index, subscription] of subscriptions.entries()) {
      if (this.belongs(subscription, where)) live.push(subscription);
      else await this.store.release(this.name, where.tenant, where.scope, bound[index]?.[0] as string);
    }
    live.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    return Promise.all(live.map((subscription) => this.view(subscription)));
  }

  async find(where: CompatScope, providerId: string): Promise<Subscription> {
    const subscriptionId = await this.store.lookup(this.name, where.tenant, where.scope, providerId);
    const subscription = subscriptionId ? await this.service.store.get(subscriptionId) : null;
    if (this.belongs(subscription, where)) return subscription;
    if (subscriptionId) await this.store.release(this.name, where.tenant, where.scope, providerId);
    throw new NotFound(`webhook ${providerId} not found`);
  }

  // The compat store writes nothing for a tenant whose deletion has begun (compat-store.ts): it answers null, or false
  // for a bind, and the request is answered as for an unknown tenant.
  private async newProviderId(tenant: string): Promise<string | number> {
    if (this.api.newId !== 'sequence') return this.api.newId();
    const next = await this.store.nextSequence(this.name, tenant);
    if (next === null) throw unknownTenant(tenant);
    return next;
  }

  private async claim(where: CompatScope, providerId: string): Promise<void> {
    const claimed = await this.store.claim(this.name, where.tenant, where.scope, providerId);
    if (claimed === null) throw unknownTenant(where.tenant);
    if (claimed) return;
    const field = this.api.idField;
    throw new ValidationFailed(`${field} already in use`, [{ path: field, message: `webhook with this ${field} already exists.` }]);
  }

  private async bind(where: CompatScope, providerId: string, subscriptionId: string): Promise<void> {
    if (!(await this.store.bind(this.name, where.tenant, where.scope, providerId, subscriptionId))) throw unknownTenant(where.tenant);
  }

  async create(where: CompatScope, spec: CompatCreate): Promise<CompatView> {
    const providerId = spec.id ?? (await this.newProviderId(where.tenant));
    const key = String(providerId);
    await this.claim(where, key);
    try {
      const subscription = await this.service.create(
        where.tenant,
        { profile: this.name, ...spec.fields, active: spec.fields.active ?? true },
        { ...spec.compat, [this.api.idField]: providerId },
        this.api.secretField,
      );
      await this.bind(where, key, subscription.id);
      return this.view(subscription);
    } catch (error) {
      await this.store.release(this.name, where.tenant, where.scope, key);
      throw error;
    }
  }

  async update(where: CompatScope, current: Subscription, spec: CompatUpdate): Promise<CompatView> {
    const currentId = this.providerIdOf(current);
    const renamed = spec.id !== undefined && spec.id !== currentId ? spec.id : undefined;
    if (renamed !== undefined) await this.claim(where, renamed);
    try {
      const compat = { ...spec.compat, ...(renamed !== undefined ? { [this.api.idField]: renamed } : {}) };
      const updated = await this.service.update(current, spec.patch, Object.keys(compat).length > 0 ? compat : undefined, this.api.secretField);
      if (renamed !== undefined) {
        await this.bind(where, renamed, updated.id);
        await this.store.release(this.name, where.tenant, where.scope, currentId);
      }
      if (spec.resetBookkeeping) await this.store.resetBookkeeping(updated.id, spec.resetBookkeeping);
      return this.view(updated);
    } catch (error) {
      if (renamed !== undefined) await this.store.release(this.name, where.tenant, where.scope, renamed);
      throw error;
    }
  }

  async remove(where: CompatScope, subscription: Subscription): Promise<void> {
    await this.service.remove(subscription);
    await this.store.release(this.name, where.tenant, where.scope, this.providerIdOf(subscription));
  }
}
