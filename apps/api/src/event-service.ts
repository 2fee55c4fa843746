import { newId, ValidationFailed, type EventInput, type IssueDetail, type StoredEvent } from '@hookfleet/core';
import { findProfile } from '@hookfleet/profiles';
import type { EventStore, TenantStore } from '@hookfleet/store';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { IngestBatcher } from './ingest-batcher.js';
import { TokenBuckets, TooManyRequests } from './abuse-limits.js';
import type { EventSchemas } from './event-schemas.js';

export interface IngestResult {
  id: string;
  deduplicated: boolean;
}

/**
 * How long a tenant found to exist is taken to exist without asking Redis again: a tenant deleted on another API
 * process has its events refused here within this time (at once on the process that deleted it: forgetTenant).
 */
const KNOWN_TENANT_MS = 5_000;

/** Validates events against their profile and tenant, then hands them to the batcher. */
export class EventService {
  /** Tenant → until when (epoch ms) it is taken to exist. */
  private readonly knownTenants = new Map<string, number>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly events: EventStore,
    private readonly batcher: IngestBatcher,
    private readonly metrics: HookfleetMetrics,
    private readonly schemas: EventSchemas,
    private readonly ingestLimit: TokenBuckets = new TokenBuckets(0),
  ) {}

  async ingest(inputs: readonly EventInput[], pathPrefix: string[] = []): Promise<IngestResult[]> {
    const issues: IssueDetail[] = [];
    const schemasLoading = this.schemas.refreshIfStale();
    if (schemasLoading) await schemasLoading;
    const now = new Date().toISOString();
    const stored: StoredEvent[] = [];
    const nowMs = Date.now();
    for (const [index, input] of inputs.entries()) {
      const eventPath = pathPrefix.length ? `${pathPrefix.join('.')}.${index}` : '';
      const at = (field: string) => (eventPath ? `${eventPath}.${field}` : field);
      const profile = findProfile(input.profile);
      if (!profile) issues.push({ path: at('profile'), message: `unknown profile ${input.profile}` });
      else if (!profile.isKnownEventType(input.type)) issues.push({ path: at('type'), message: `${input.type} is not an event of profile ${input.profile}` });
      else {
        const shapeIssues = this.schemas.issues(input, eventPath);
        if (shapeIssues.length > 0) issues.push(...shapeIssues);
      }
      // A known tenant costs no await: a batch of 500 events of one tenant would otherwise wait a turn for each.
      if (!this.isKnownTenant(input.tenant, nowMs) && !(await this.tenantExists(input.tenant))) issues.push({ path: at('tenant'), message: `unknown tenant ${input.tenant}` });
      stored.push({
        id: input.id ?? newId('evt'),
        tenant: input.tenant,
        profile: input.profile,
        type: input.type,
        data: input.data,
        occurred_at: input.occurred_at ? new Date(input.occurred_at).toISOString() : now,
        received_at: now,
        actor: input.actor ?? null,
        fields_changed: input.fields_changed ?? null,
        visible_to: input.visible_to ?? null,
      });
    }
    if (issues.length > 0) throw new ValidationFailed('invalid event', issues);
    this.enforceIngestLimit(stored);
    const isNew = await this.batcher.submit(stored);
    const tenantsSeen = new Set<string>();
    // The counters are added to once per profile and outcome, not once an event (a labelled inc hashes its labels).
    const counted = new Map<string, { profile: string; deduplicated: boolean; count: number }>();
    const results = stored.map((event, index) => {
      const deduplicated = !isNew[index];
      const key = `${deduplicated ? 'd' : 'n'}${event.profile}`;
      const known = counted.get(key);
      if (known) known.count += 1;
      else counted.set(key, { profile: event.profile, deduplicated, count: 1 });
      if (!tenantsSeen.has(event.tenant)) {
        tenantsSeen.add(event.tenant);
        this.maybeTrim(event.tenant);
      }
      return { id: event.id, deduplicated };
    });
    for (const { profile, deduplicated, count } of counted.values()) (deduplicated ? this.metrics.eventsDeduplicated : this.metrics.eventsIngested).inc({ profile }, count);
    return results;
  }

  /**
   * Abuse protection: events per second per tenant; the whole request is refused, nothing half-accepted, and no tenant
   * of a refused request is charged for it (its Retry-After stays true).
   */
  private enforceIngestLimit(events: readonly StoredEvent[]): void {
    const perTenant = new Map<string, number>();
    for (const event of events) perTenant.set(event.tenant, (perTenant.get(event.tenant) ?? 0) + 1);
    const verdict = this.ingestLimit.takeAll([...perTenant]);
    if (!verdict.ok) throw new TooManyRequests(`tenant ${verdict.refused.join(', ')} is over its ingest rate; retry later`, verdict.retryAfterSeconds);
  }

  private isKnownTenant(id: string, nowMs: number): boolean {
    return (this.knownTenants.get(id) ?? 0) > nowMs;
  }

  private async tenantExists(id: string): Promise<boolean> {
    if (this.isKnownTenant(id, Date.now())) return true;
    const exists = await this.tenants.exists(id);
    if (exists) this.knownTenants.set(id, Date.now() + KNOWN_TENANT_MS);
    else this.knownTenants.delete(id);
    return exists;
  }

  /** A tenant whose deletion began: its events are refused from the next request on (DELETE /v1/tenants/:id). */
  forgetTenant(id: string): void {
    this.knownTenants.delete(id);
  }

  private lastTrim = new Map<string, number>();
  /** The per-tenant event index is trimmed to the retention at most once a minute per tenant. */
  private maybeTrim(tenant: string): void {
    const now = Date.now();
    if (now - (this.lastTrim.get(tenant) ?? 0) < 60_000) return;
    this.lastTrim.set(tenant, now);
    this.events.trimTenantIndex(tenant, now).catch(() => undefined);
  }
}
