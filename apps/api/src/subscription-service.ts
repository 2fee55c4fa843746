import {
  Conflict,
  destinationAddresses,
  keepStoredCredentials,
  headerNameProblem,
  newId,
  NotFound,
  storedDestination,
  TargetNotAllowed,
  ValidationFailed,
  type IssueDetail,
  type SubscriptionCreate,
  type Subscription,
  type SubscriptionPatch,
  type SignatureScheme,
} from '@hookfleet/core';
import { findProfile, rotateSecret, type ProviderProfile } from '@hookfleet/profiles';
import { assertTargetAllowed, targetPolicy } from '@hookfleet/delivery';
import type { SigningKeyStore, SubscriptionStore, TenantStore } from '@hookfleet/store';
import { ownsSubscription, type OwnerScope } from './portal/subscription-scope.js';

/** Subscriptions removed at once while a tenant's are deleted: a page's removals in flight together, never thousands. */
const TENANT_REMOVAL_PAGE = 100;

/** The answer to a subscription (native or compat) for a tenant that does not exist, or whose deletion has begun. */
export function unknownTenant(tenant: string): ValidationFailed {
  return new ValidationFailed('unknown tenant', [{ path: 'tenant', message: `unknown tenant ${tenant}` }]);
}

export interface SubscriptionServiceOptions {
  allowPrivateTargets: boolean;
  maxSubscriptionsPerTenant?: number;
}

/** Subscription rules shared by the native routes and every compat router. */
export class SubscriptionService {
  constructor(
    readonly store: SubscriptionStore,
    private readonly tenants: TenantStore,
    private readonly options: SubscriptionServiceOptions,
    private readonly signingKeys: SigningKeyStore,
  ) {}

  profileOrThrow(name: string, path = 'profile'): ProviderProfile {
    const profile = findProfile(name);
    if (!profile) throw new ValidationFailed('unknown profile', [{ path, message: `unknown profile ${name}` }]);
    return profile;
  }

  async checkUrl(url: string, path = 'url'): Promise<void> {
    try {
      await assertTargetAllowed(url, targetPolicy(this.options.allowPrivateTargets));
    } catch (error) {
      if (error instanceof TargetNotAllowed) throw new ValidationFailed('target not allowed', [{ path, message: error.message }]);
      throw error;
    }
  }

  /** A broker's hosts obey the address rules of HTTP URLs; a redacted password given back keeps the stored one. */
  async checkedBrokerDestination<D extends NonNullable<Subscription['destination']>>(destination: D, current: Subscription['destination']): Promise<D> {
    const kept = keepStoredCredentials(destination, current) as D;
    for (const { path, address } of destinationAddresses(kept)) await this.checkUrl(address, path);
    return kept;
  }

  checkEvents(profile: ProviderProfile, events: readonly string[], path = 'events'): void {
    const issues: IssueDetail[] = events
      .map((event, index) => ({ event, index }))
      .filter(({ event }) => !profile.isValidSubscriptionEvent(event))
      .map(({ event, index }) => ({ path: `${path}.${index}`, message: `${event} is not an event of profile ${profile.name}` }));
    if (issues.length > 0) throw new ValidationFailed('invalid events', issues);
  }

  /** A secret its profile cannot sign with is refused where it enters: its deliveries would never leave. */
  checkSecret(profile: ProviderProfile, secret: string | null | undefined, path = 'secret'): void {
    // An empty secret turns signing off (where a profile allows it): nothing to sign with, nothing to refuse.
    if (!secret || !profile.secretProblem) return;
    const problem = profile.secretProblem(secret);
    if (problem) throw new ValidationFailed('invalid secret', [{ path, message: `${problem} (profile ${profile.name})` }]);
  }

  /**
   * A scheme the profile does not sign with is refused (a provider's own scheme is its only one); a `v1a` subscription's
   * tenant gets its first key pair here, so its deliveries never wait for one.
   */
  async checkSignature(profile: ProviderProfile, tenant: string, signature: SignatureScheme | undefined): Promise<void> {
    if (signature === undefined || signature === 'v1') return;
    if (!(profile.signatureSchemes ?? ['v1']).includes(signature)) {
      throw new ValidationFailed('signature scheme not available', [{ path: 'signature', message: `profile ${profile.name} signs with its own scheme, not ${signature}` }]);
    }
    await this.signingKeys.ensure(tenant);
  }

  /** The profile's own headers (its signature, token) are refused in a subscription's `headers` (the schema refuses the delivery's). */
  checkHeaders(profile: ProviderProfile, headers: Record<string, string> | undefined): void {
    const issues: IssueDetail[] = Object.keys(headers ?? {}).flatMap((name) => {
      const problem = headerNameProblem(name, profile.ownedHeaders);
      return problem ? [{ path: `headers.${name}`, message: problem }] : [];
    });
    if (issues.length > 0) throw new ValidationFailed('reserved headers', issues);
  }

  /** A batch needs a profile that signs a whole batch (signBody) and a subscription that is not ordered. */
  checkBatch(profile: ProviderProfile, subscription: Pick<Subscription, 'batch' | 'ordered'>): void {
    if (!subscription.batch) return;
    if (!profile.signBody) throw new ValidationFailed('this profile does not batch', [{ path: 'batch', message: `profile ${profile.name} sends one event a request; batch is for profiles that sign a batch (standard)` }]);
    if (subscription.ordered) throw new ValidationFailed('batch and ordered together', [{ path: 'batch', message: 'an ordered subscription sends one delivery at a time; choose batch or ordered' }]);
  }

  async create(tenant: string, input: SubscriptionCreate, compat: Record<string, unknown> = {}, secretPath = 'secret'): Promise<Subscription> {
    if (!(await this.tenants.exists(tenant))) throw unknownTenant(tenant);
    const profile = this.profileOrThrow(input.profile);
    this.checkEvents(profile, input.events);
    this.checkSecret(profile, input.secret, secretPath);
    await this.checkSignature(profile, tenant, input.signature);
    this.checkHeaders(profile, input.headers);
    this.checkBatch(profile, input);
    const where = storedDestination(input);
    if (!where.destination) await this.checkUrl(where.url, input.destination ? 'destination.url' : 'url');
    else where.destination = await this.checkedBrokerDestination(where.destination, undefined);
    const limit = this.options.maxSubscriptionsPerTenant;
    if (limit !== undefined && (await this.store.countForTenant(tenant)) >= limit) {
      throw new Conflict(`this tenant has ${limit} subscriptions, the most allowed (HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT)`);
    }
    const now = new Date().toISOString();
    const subscription: Subscription = {
      id: newId('sub'),
      tenant,
      profile: profile.name,
      ...where,
      batch: input.batch ?? null,
      events: [...new Set(input.events)],
      secret: input.secret ?? profile.generateSecret?.() ?? null,
      ...(input.signature === 'v1a' ? { signature: input.signature } : {}),
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      active: input.active,
      disabled_reason: input.active ? null : 'manual',
      created_by: input.created_by ?? null,
      delay_seconds: input.delay_seconds ?? 0,
      rate_limit: input.rate_limit ?? null,
      ordered: input.ordered ?? false,
      filter: input.filter ?? null,
      headers: input.headers ?? {},
      retry: input.retry ?? null,
      timeout_ms: input.timeout_ms ?? null,
      compat,
      created_at: now,
      updated_at: now,
    };
    // Checked again where it is written: a deletion may have begun since the check above (SubscriptionStore.create).
    if (!(await this.store.create(subscription))) throw unknownTenant(tenant);
    return subscription;
  }

  /**
   * The owner's subscription, or 404 — also for another tenant's, or one outside a portal session's scope (an
   * operator, `null`, sees every tenant's).
   */
  async getOwned(id: string, owner: OwnerScope): Promise<Subscription> {
    const subscription = await this.store.get(id);
    if (!subscription || !ownsSubscription(owner, subscription)) throw new NotFound(`subscription ${id} not found`);
    return subscription;
  }

  /**
   * A change written only over the document it was computed from (SubscriptionStore.update). A worker may disable the
   * subscription meanwhile (a 410, a failing endpoint): a PATCH that read it active and never named `active` must not
   * enable it again, so a write that finds the document changed applies the patch once more to what is stored now.
   */
  async update(current: Subscription, patch: SubscriptionPatch, compat?: Record<string, unknown>, secretPath = 'secret'): Promise<Subscription> {
    return this.storedChange(current.id, (stored) => this.patched(stored, patch, compat, secretPath));
  }

  /** A new secret (generated unless given); the old one keeps signing for 24 h beside it. */
  async rotate(current: Subscription, secret?: string): Promise<Subscription> {
    const profile = this.profileOrThrow(current.profile);
    const nextSecret = secret ?? profile.generateSecret?.();
    if (!nextSecret) throw new ValidationFailed('this profile does not sign', [{ path: 'secret', message: `profile ${profile.name} has no signing secret` }]);
    this.checkSecret(profile, nextSecret);
    return this.storedChange(current.id, (stored) => ({ ...stored, ...rotateSecret(stored, nextSecret, new Date()), updated_at: new Date().toISOString() }));
  }

  async remove(subscription: Subscription): Promise<void> {
    await this.store.remove(subscription);
  }

  /**
   * Every subscription of a tenant being deleted, each removed as DELETE /v1/subscriptions/:id removes one (`remove`,
   * then `afterRemove`: that route's poll log drop), a page of TENANT_REMOVAL_PAGE at a time: thousands of them never
   * hold Redis in one command nor wait on each other one by one. A listed id without a document is a creation under
   * way (or one that stopped): it is abandoned, so it never writes one (SubscriptionStore.create). Once the deletion
   * has begun nothing new is listed, so the pages are read from the start again only until one pass finds none: a
   * creation that wrote its document just before it was to be abandoned is removed in the next. Answers how many were
   * removed.
   */
  async removeAllOfTenant(tenant: string, afterRemove: (subscription: Subscription) => Promise<void>): Promise<number> {
    let removed = 0;
    for (;;) {
      let found = 0;
      let after: string | null = null;
      do {
        const page = await this.store.listedPage(tenant, TENANT_REMOVAL_PAGE, after);
        await Promise.all(
          page.map(async ({ id, subscription }) => {
            if (!subscription) {
              await this.store.abandonCreation(tenant, id);
              return;
            }
            await this.remove(subscription);
            await afterRemove(subscription);
            removed += 1;
          }),
        );
        found += page.length;
        after = page.length === TENANT_REMOVAL_PAGE ? (page[page.length - 1] as { id: string }).id : null;
      } while (after !== null);
      if (found === 0) return removed;
    }
  }

  private async storedChange(id: string, change: (stored: Subscription) => Subscription | Promise<Subscription>): Promise<Subscription> {
    const written = await this.store.update(id, change);
    if (!written) throw new NotFound(`subscription ${id} not found`);
    return written;
  }

  private async patched(current: Subscription, patch: SubscriptionPatch, compat: Record<string, unknown> | undefined, secretPath: string): Promise<Subscription> {
    const profile = this.profileOrThrow(current.profile);
    if (patch.events) this.checkEvents(profile, patch.events);
    this.checkSecret(profile, patch.secret, secretPath);
    await this.checkSignature(profile, current.tenant, patch.signature);
    this.checkHeaders(profile, patch.headers ?? undefined);
    const next: Subscription = { ...current, updated_at: new Date().toISOString() };
    if (patch.url !== undefined || patch.destination !== undefined) {
      const where = storedDestination(patch);
      if (!where.destination && where.url !== current.url) await this.checkUrl(where.url, patch.destination ? 'destination.url' : 'url');
      if (where.destination) where.destination = await this.checkedBrokerDestination(where.destination, current.destination);
      delete next.destination;
      Object.assign(next, where);
    }
    if (patch.batch !== undefined) next.batch = patch.batch;
    this.checkBatch(profile, { batch: next.batch ?? null, ordered: patch.ordered ?? next.ordered ?? false });
    if (next.batch && next.destination) {
      throw new ValidationFailed('batch is for http destinations', [{ path: 'batch', message: `batch is for http destinations, not ${next.destination.type}` }]);
    }
    if (patch.events !== undefined) next.events = [...new Set(patch.events)];
    if (patch.secret !== undefined) Object.assign(next, rotateSecret(current, patch.secret, new Date()));
    if (patch.signature !== undefined) next.signature = patch.signature;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.metadata !== undefined) next.metadata = patch.metadata;
    if (patch.delay_seconds !== undefined) next.delay_seconds = patch.delay_seconds;
    if (patch.rate_limit !== undefined) next.rate_limit = patch.rate_limit;
    if (patch.ordered !== undefined) next.ordered = patch.ordered;
    if (patch.filter !== undefined) next.filter = patch.filter;
    if (patch.headers !== undefined) next.headers = patch.headers ?? {};
    if (patch.retry !== undefined) next.retry = patch.retry;
    if (patch.timeout_ms !== undefined) next.timeout_ms = patch.timeout_ms;
    if (patch.active !== undefined) {
      next.active = patch.active;
      next.disabled_reason = patch.active ? null : 'manual';
    }
    if (compat) next.compat = { ...current.compat, ...compat };
    return next;
  }
}
