/**
 * The text before and after the id in the keys `keyOf` makes, for a Lua script that builds those keys from ids it
 * was given packed in one argument (create-deliveries.ts): the key's shape stays declared once, in Keys.
 */
export function keyAffixes(keyOf: (id: string) => string): [string, string] {
  const [before = '', after = ''] = keyOf('\n').split('\n');
  return [before, after];
}

/**
 * Every Redis key hookfleet writes outside BullMQ, under one prefix so tests and deployments never collide.
 *
 * Each key starts with a Redis Cluster hash tag `{<prefix>:<owner kind>:<owner id>}`, so the keys one Lua script
 * or MULTI touches always share a slot, and everything else spreads over the shards:
 * - `{P:sub:<id>}`: what the delivery path writes about one subscription (attempt log, delivery indexes,
 *   bookkeeping, rate limit, pause, health);
 * - `{P:subs}`: the subscription documents with the set of all of them and their change stream, written together
 *   in one MULTI, so a worker following the stream never reads a document older than the change it was told of;
 * - `{P:evt:<id>}`: an event's payload, which carries the subscriptions it was matched to and, kept 24 h or more,
 *   its dedupe marker (payload-value.ts); under a shorter retention the marker has a key of its own;
 * - `{P:dlv:<id>}`: one delivery record (read by its id alone);
 * - `{P:ten:<id>}`: a tenant, its subscription and event indexes, its compat ids;
 * - `{P:key:<hash>}`, `{P:op:<id>}`: an API key's tenant, an operation's progress;
 * - `{P:idem:<derived id>}`: the kept answer of a request sent with an idempotency key;
 * - `{P:tenants}`: the index of every tenant.
 * A prefix that carries its own hash tag for BullMQ (`{hookfleet}` on a cluster) is used without the braces here,
 * or every key would share BullMQ's slot.
 */
export class Keys {
  /** The prefix without hash-tag braces. */
  readonly base: string;

  constructor(readonly prefix: string) {
    this.base = prefix.replace(/[{}]/g, '');
  }

  private tag(kind: string, id?: string) { return id === undefined ? `{${this.base}:${kind}}` : `{${this.base}:${kind}:${id}}`; }

  tenant(id: string) { return `${this.tag('ten', id)}:doc`; }
  apiKey(hash: string) { return this.tag('key', hash); }
  /** Every tenant id (a sorted set of equal scores, read in id order: ids are time-ordered). */
  allTenants() { return `${this.tag('tenants')}:all`; }
  /** Set once the tenants created before allTenants existed have been added to it (tenant-store.ts). */
  allTenantsBackfilled() { return `${this.tag('tenants')}:backfilled`; }
  subscription(id: string) { return `${this.tag('subs')}:doc:${id}`; }
  /** A subscription being created: written before its tenant's list takes its id, taken by its document's write (subscription-store.ts). */
  subscriptionCreation(id: string) { return `${this.tag('subs')}:creating:${id}`; }
  allSubscriptions() { return `${this.tag('subs')}:all`; }
  subscriptionChanges() { return `${this.tag('subs')}:changes`; }
  tenantSubscriptions(tenant: string) { return `${this.tag('ten', tenant)}:subs`; }
  subscriptionState(id: string) { return `${this.tag('sub', id)}:state`; }
  attempts(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:attempts`; }
  dedupe(eventId: string) { return `${this.tag('evt', eventId)}:dedupe`; }
  event(eventId: string) { return `${this.tag('evt', eventId)}:payload`; }
  /** An ingest flush whose matcher job is enqueued (its events' markers name it; a single Redis only: accept-events.ts). */
  confirmedFlush(flushId: string) { return `${this.tag('flush')}:${flushId}`; }
  tenantEvents(tenant: string) { return `${this.tag('ten', tenant)}:events`; }
  /** The tenant's ed25519 key pairs for `v1a` signatures, current first (signing-key-store.ts). */
  signingKeys(tenant: string) { return `${this.tag('ten', tenant)}:signing-keys`; }
  delivery(id: string) { return this.tag('dlv', id); }
  /** An ordered subscription's backlog (and, with suffixes, its counter and turn): the subscription's slot. */
  orderedBacklog(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:ordered`; }
  batchBacklog(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:batch`; }
  subscriptionDeliveries(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:dlvs`; }
  /** The subscriptions an event was matched to, space-separated in one string, as earlier versions kept them: still read and dropped, no longer written (they end the payload's value now: payload-value.ts). */
  eventSubscriptions(eventId: string) { return `${this.tag('evt', eventId)}:subs`; }
  /** The same as a set, as it was written before: still read (GET /v1/events/:id/deliveries) until it expires. */
  legacyEventDeliveries(eventId: string) { return `${this.tag('evt', eventId)}:dlvs`; }
  /** Failed and dead deliveries of a subscription, by creation time: the dead-letter queue, written only on failures. */
  subscriptionDeliveriesByStatus(subscriptionId: string, status: 'failed' | 'dead') { return `${this.tag('sub', subscriptionId)}:dlvs:${status}`; }
  /** The subscription's deliveries whose records outlive their index entries' trim: until when, and their scores (index-holds.ts). */
  subscriptionIndexHolds(subscriptionId: string, part: 'until' | 'since') { return `${this.tag('sub', subscriptionId)}:dlvs:held:${part}`; }
  /** A poll subscription's message log (a stream), its appended-not-fetched set and its acknowledged cursor (poll-log.ts). */
  pollLog(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:poll`; }
  pollUnfetched(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:poll:unfetched`; }
  pollAcked(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:poll:acked`; }
  /** Told of new messages in a poll subscription's log, for long-polls waiting on it. */
  pollChannel(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:poll:new`; }
  rateLimit(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:rl`; }
  /** A rate-limited subscription's waiting list: merged jobs' events its line holder sends (rate-limiter.ts). */
  rateLimitWaiting(subscriptionId: string) { return `${this.rateLimit(subscriptionId)}:line-waiting`; }
  endpointPause(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:pause`; }
  endpointHealth(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:health`; }
  operation(id: string) { return this.tag('op', id); }
  /** A subscription's operations (recover, replay) by creation time, for GET /v1/subscriptions/:id/operations (operation-store.ts). */
  subscriptionOperations(subscriptionId: string) { return `${this.tag('sub', subscriptionId)}:ops`; }
  /** Written by /readyz to learn whether Redis takes writes (a PING passes while it refuses them). */
  /** The event types an operator registered, with their JSON Schemas: one hash, field `<profile>:<type>`. */
  eventTypes() { return `${this.tag('etypes')}:all`; }
  /** A counter bumped with every change to eventTypes(), in its slot: readers re-read the hash only when it moved. */
  eventTypesVersion() { return `${this.tag('etypes')}:version`; }
  writeProbe() { return `${this.tag('probe')}:write`; }
  /** The answer to a request sent with an idempotency key, under a name derived from that key (idempotency-store.ts). */
  idempotency(derivedId: string) { return this.tag('idem', derivedId); }
  compatIndex(profile: string, tenant: string, name: string) { return `${this.tag('ten', tenant)}:compat:${profile}:${name}`; }
  /** The names of every compatIndex key of a tenant, written with them, so its deletion finds them without a SCAN (compat-store.ts). */
  tenantCompatKeys(tenant: string) { return `${this.tag('ten', tenant)}:compat-keys`; }

  /**
   * A SCAN pattern for every key in a subscription's slot (`{P:sub:<id>}:…`), and the subscription id such a key
   * names (undefined for any other key): the sweep finds backlogs with it that no subscription it knows points to
   * (apps/worker/src/backlog-discovery.ts).
   */
  subscriptionSlotPattern() {
    const escape = (text: string) => text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
    const [before, after] = keyAffixes((id) => this.tag('sub', id));
    return `${escape(before)}*${escape(after)}:*`;
  }
  subscriptionIdOfSlotKey(key: string): string | undefined {
    const [before, after] = keyAffixes((id) => this.tag('sub', id));
    const end = key.indexOf(`${after}:`, before.length);
    return key.startsWith(before) && end > before.length ? key.slice(before.length, end) : undefined;
  }

  /** SCAN patterns that match every key written here (for cleanup in tests and tools). */
  patterns(): string[] {
    return [`{${this.base}:*`];
  }
}
