import { randomUUID } from 'node:crypto';
import { apiKeyRotateSchema, eventInputSchema, listQuerySchema, MAX_BATCH_EVENTS, rotateSecretSchema, subscriptionCreateSchema, subscriptionPatchSchema, tenantCreateSchema } from '@hookfleet/core';
import { chunk, withEventId } from './event-ids.js';
import { HookfleetApiError, HookfleetClientError } from './errors.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './options.js';
import { createRequest, type RequestFunction, type RequestOptions } from './transport.js';
import type {
  DeliveryListQuery,
  EventListQuery,
  EventType,
  Operation,
  OperationStarted,
  PortalSession,
  PortalSessionInput,
  RecoverInput,
  ReplayInput,
  TestDeliveryInput,
  TestDeliveryResult,
} from './operation-types.js';
import type { EventTypeInput, EventTypeListQuery, EventTypeUpdate, RegisteredEventType } from './event-type-types.js';
import type {
  ApiKeyRotateInput,
  AttemptList,
  CreatedTenant,
  Delivery,
  DeliveryListEntry,
  EndpointStats,
  EventDetail,
  EventInput,
  EventSummary,
  Page,
  PublishResult,
  RotateSecretInput,
  Subscription,
  SubscriptionInput,
  SubscriptionListQuery,
  SubscriptionSecret,
  SubscriptionUpdate,
  SigningKeySet,
  Tenant,
  TenantInput,
  TenantListQuery,
} from './types.js';
import { parseEach, parseInput } from './validate.js';
import { fetchMessages, MessagePoller, type MessageQuery, type PollBacklog, type PollerOptions, type PollPage } from './poller.js';
import { everyItem } from './pages.js';

export interface HookfleetClient {
  /** The options in effect, defaults filled in. */
  readonly options: Readonly<ResolvedClientOptions>;
  /** The same client acting with another token (e.g. a tenant's API key). */
  withToken(token: string): HookfleetClient;
  /** Any API route, for routes this client has no method for yet. */
  request: RequestFunction;

  /** Publishes one event (operator). Without `id` one is generated first, so retries cannot deliver it twice. */
  publish(event: EventInput): Promise<PublishResult>;
  /**
   * Publishes events (operator), 500 a request, in order; the results are in the order of `events`. When a later
   * request fails, the error's `accepted` holds the results of the requests before it (the first events of `events`).
   */
  publishBatch(events: readonly EventInput[]): Promise<PublishResult[]>;
  /** Creates a tenant (operator); its `api_key` is shown only here and by `tenants.rotateApiKey`. */
  createTenant(name: string): Promise<CreatedTenant>;
  /** A tenant (operator, or the tenant itself with its own key). */
  tenants: {
    /** A page of tenants, oldest first (operator). */
    list(query?: TenantListQuery): Promise<Page<Tenant>>;
    /** Every tenant from `query.cursor` on, page after page, as an async iterator (operator). */
    listAll(query?: TenantListQuery): AsyncIterable<Tenant>;
    get(id: string): Promise<Tenant>;
    /**
     * A new API key; the old one works `previous_key_expires_in` seconds more (default 24 h; 0 revokes it now, for a
     * key that leaked). A key rotated out before that stops working now.
     */
    rotateApiKey(id: string, input?: ApiKeyRotateInput): Promise<CreatedTenant>;
    /** A new name (operator, or the tenant itself); the name is checked as on create before anything is sent. */
    update(id: string, input: TenantInput): Promise<Tenant>;
    /**
     * Deletes a tenant (operator): its keys and portal links stop at once; its subscriptions, signing keys and compat
     * ids go; events it published stay until their retention. A deletion that failed partway is finished by calling
     * this again; an unknown tenant (or one already deleted) rejects with a 404.
     */
    delete(id: string): Promise<void>;
  };

  subscriptions: {
    create(input: SubscriptionInput): Promise<Subscription>;
    list(query?: SubscriptionListQuery): Promise<Page<Subscription>>;
    /** Every subscription from `query.cursor` on, page after page (`limit` is the page size), as an async iterator. */
    listAll(query?: SubscriptionListQuery): AsyncIterable<Subscription>;
    get(id: string): Promise<Subscription>;
    update(id: string, patch: SubscriptionUpdate): Promise<Subscription>;
    delete(id: string): Promise<void>;
    /** The signing secret and until when the one before the last rotation still signs (what a portal session sees only here). */
    secret(id: string): Promise<SubscriptionSecret>;
    /** Replaces the signing secret (generated when `secret` is left out); the old one keeps signing for 24 h. */
    rotateSecret(id: string, input?: RotateSecretInput): Promise<Subscription>;
    /** The endpoint's last 24 h: attempts, success ratio, last status code and error, attempts per hour by outcome. */
    stats(id: string): Promise<EndpointStats>;
    /** The attempt log, newest first. */
    attempts(id: string): Promise<AttemptList>;
    /** Attempts again every `failed` or `dead` delivery in the window. */
    recover(id: string, input: RecoverInput): Promise<OperationStarted>;
    /** Delivers again every retained event in the window the subscription matches now. */
    replay(id: string, input: ReplayInput): Promise<OperationStarted>;
    /** Sends one signed test delivery now and reports how the endpoint answered. */
    test(id: string, input?: TestDeliveryInput): Promise<TestDeliveryResult>;
    /**
     * A poll subscription's messages after `after` (acknowledging everything up to it). `signal` cuts a long-poll
     * (`wait`) off: the promise then rejects with `signal.reason`, as fetch does, and nothing more is acknowledged.
     */
    messages(id: string, query?: MessageQuery, options?: { signal?: AbortSignal }): Promise<PollPage>;
    /** A poll subscription's messages as an async iterator that long-polls and advances the cursor. */
    poller(id: string, options?: PollerOptions): MessagePoller;
    /** A poll subscription's messages handed over and not yet acknowledged, and how long the oldest has waited. */
    backlog(id: string): Promise<PollBacklog>;
  };
  events: {
    list(query?: EventListQuery): Promise<Page<EventSummary>>;
    /** Every retained event from `query.cursor` on, newest first, page after page, as an async iterator. */
    listAll(query?: EventListQuery): AsyncIterable<EventSummary>;
    get(id: string): Promise<EventDetail>;
  };
  deliveries: {
    get(id: string): Promise<Delivery>;
    /** Newest first, each with its event's type and received time. */
    list(query: DeliveryListQuery): Promise<Page<DeliveryListEntry>>;
    /** Every delivery of `query.subscription` from `query.cursor` on, page after page, as an async iterator. */
    listAll(query: DeliveryListQuery): AsyncIterable<DeliveryListEntry>;
    /** One more attempt now, with the same `webhook-id`. */
    retry(id: string): Promise<Delivery>;
  };
  operations: {
    get(id: string): Promise<Operation>;
    /** Stops a running recover or replay before its next chunk; a 409 `HookfleetApiError` once it has ended. */
    cancel(id: string): Promise<Operation>;
    /** A subscription's recovers and replays of the last 7 days, newest first. */
    list(subscriptionId: string, query?: { limit?: number; cursor?: string }): Promise<Page<Operation>>;
    /** Every operation of the subscription from `query.cursor` on, page after page, as an async iterator. */
    listAll(subscriptionId: string, query?: { limit?: number; cursor?: string }): AsyncIterable<Operation>;
  };
  eventTypes: {
    /** A page of the catalogue: every profile's documented types, then the registered ones. */
    list(query?: EventTypeListQuery): Promise<Page<EventType>>;
    /** Every event type from `query.cursor` on, page after page, as an async iterator. */
    listAll(query?: EventTypeListQuery): AsyncIterable<EventType>;
    /** Registers a standard event type with its JSON Schema (operator token); ingest checks its events from then on. */
    create(input: EventTypeInput): Promise<RegisteredEventType>;
    update(profile: string, type: string, update: EventTypeUpdate): Promise<RegisteredEventType>;
  };
  portalSessions: {
    /** A link to the endpoint portal for the tenant of the token. */
    create(input?: PortalSessionInput): Promise<PortalSession>;
  };
  /** A tenant's `v1a` public keys (readable without a token) and their rotation (operator or the tenant itself). */
  signingKeys: {
    list(tenant: string): Promise<SigningKeySet>;
    rotate(tenant: string): Promise<SigningKeySet>;
  };
}

const segment = encodeURIComponent;

/**
 * For a POST that would act twice if sent twice (create, rotate, recover, replay, retry, test …): a key of this call's
 * own, the same on each of its tries, so a try whose answer was lost can be sent again (docs/api.md, "Sending a POST
 * again safely"). Publishing needs none: an event's `id` deduplicates it.
 */
const onceOnly = (): RequestOptions => ({ idempotencyKey: randomUUID() });

/**
 * A refusal of a later request of publishBatch names its events by their place in the caller's array
 * (`events.700.tenant`), not by their place in that request's chunk of 500 (`events.200.tenant`).
 */
function renumberedFromChunk(error: unknown, offset: number): unknown {
  if (offset === 0 || !(error instanceof HookfleetApiError) || error.issues.length === 0) return error;
  const shift = (path: string) => path.replace(/^events\.(\d+)(?=\.|$)/, (_match, index: string) => `events.${Number(index) + offset}`);
  const body = typeof error.body === 'object' && error.body !== null ? error.body : {};
  const issues = error.issues.map((issue) => ({ ...issue, path: shift(issue.path) }));
  return new HookfleetApiError({ method: error.method, path: error.path, status: error.status, retryAfterMs: error.retryAfterMs, body: { ...body, issues } });
}

/** A publishBatch that fails after earlier requests went through says which events those were. */
function withAccepted(error: unknown, accepted: readonly PublishResult[]): unknown {
  if (accepted.length > 0 && error instanceof HookfleetClientError) error.accepted = [...accepted];
  return error;
}

function buildClient(options: ResolvedClientOptions): HookfleetClient {
  const request = createRequest(options);

  async function publishBatch(events: readonly EventInput[]): Promise<PublishResult[]> {
    // Every event is checked and given its id before the first request, so a bad event sends nothing.
    const prepared = parseEach(eventInputSchema, events, 'events', 'events').map(withEventId);
    const results: PublishResult[] = [];
    for (const events of chunk(prepared, MAX_BATCH_EVENTS)) {
      const answer = await request<{ results: PublishResult[] }>('POST', '/v1/events/batch', { events }, { idempotent: true }).catch((error: unknown) => {
        throw withAccepted(renumberedFromChunk(error, results.length), results);
      });
      results.push(...answer.results);
    }
    return results;
  }

  const subscriptionPage = async (query: SubscriptionListQuery = {}): Promise<Page<Subscription>> => {
    const { tenant, profile, limit, cursor } = query;
    parseInput(listQuerySchema, { profile, limit, cursor }, 'subscription query');
    return request('GET', '/v1/subscriptions', undefined, { query: { tenant, profile, limit, cursor } });
  };
  const tenantPage = (query: TenantListQuery = {}): Promise<Page<Tenant>> => request('GET', '/v1/tenants', undefined, { query: { ...query } });
  const eventPage = (query: EventListQuery = {}): Promise<Page<EventSummary>> => request('GET', '/v1/events', undefined, { query: { ...query } });
  const operationPage = (subscriptionId: string, query: { limit?: number; cursor?: string | undefined } = {}): Promise<Page<Operation>> =>
    request('GET', `/v1/subscriptions/${segment(subscriptionId)}/operations`, undefined, { query: { ...query } });
  const eventTypePage = (query: EventTypeListQuery = {}): Promise<Page<EventType>> => request('GET', '/v1/event-types', undefined, { query: { ...query } });
  const deliveryPage = (query: DeliveryListQuery): Promise<Page<DeliveryListEntry>> => request('GET', '/v1/deliveries', undefined, { query: { ...query } });

  return {
    options,
    withToken: (token) => buildClient({ ...options, token }),
    request,

    publish: async (event) => request('POST', '/v1/events', withEventId(parseInput(eventInputSchema, event, 'event')), { idempotent: true }),
    publishBatch,
    createTenant: async (name) => request('POST', '/v1/tenants', parseInput(tenantCreateSchema, { name }, 'tenant'), onceOnly()),
    tenants: {
      list: tenantPage,
      listAll: (query = {}) => everyItem((cursor) => tenantPage({ ...query, cursor }), query.cursor),
      get: (id) => request('GET', `/v1/tenants/${segment(id)}`),
      rotateApiKey: async (id, input = {}) => request('POST', `/v1/tenants/${segment(id)}/api-key/rotate`, parseInput(apiKeyRotateSchema, input, 'rotation'), onceOnly()),
      update: async (id, input) => request('PATCH', `/v1/tenants/${segment(id)}`, parseInput(tenantCreateSchema, input, 'tenant update')),
      delete: async (id) => {
        await request('DELETE', `/v1/tenants/${segment(id)}`);
      },
    },

    subscriptions: {
      create: async (input) => request('POST', '/v1/subscriptions', parseInput(subscriptionCreateSchema, input, 'subscription'), onceOnly()),
      list: subscriptionPage,
      listAll: (query = {}) => everyItem((cursor) => subscriptionPage({ ...query, cursor }), query.cursor),
      get: (id) => request('GET', `/v1/subscriptions/${segment(id)}`),
      update: async (id, patch) => request('PATCH', `/v1/subscriptions/${segment(id)}`, parseInput(subscriptionPatchSchema, patch, 'subscription update')),
      delete: async (id) => {
        await request('DELETE', `/v1/subscriptions/${segment(id)}`);
      },
      secret: (id) => request('GET', `/v1/subscriptions/${segment(id)}/secret`),
      // A generated secret is new each time: without the key, a repeat after a lost answer would put a secret nobody
      // saw in the rotation.
      rotateSecret: async (id, input = {}) =>
        request('POST', `/v1/subscriptions/${segment(id)}/rotate-secret`, parseInput(rotateSecretSchema, input, 'secret rotation'), onceOnly()),
      stats: (id) => request('GET', `/v1/subscriptions/${segment(id)}/stats`),
      attempts: (id) => request('GET', `/v1/subscriptions/${segment(id)}/attempts`),
      recover: (id, input) => request('POST', `/v1/subscriptions/${segment(id)}/recover`, input, onceOnly()),
      replay: (id, input) => request('POST', `/v1/subscriptions/${segment(id)}/replay`, input, onceOnly()),
      test: (id, input = {}) => request('POST', `/v1/subscriptions/${segment(id)}/test`, input, onceOnly()),
      messages: (id, query = {}, options = {}) => fetchMessages(request, id, query, options.signal),
      poller: (id, pollerOptions = {}) => new MessagePoller(request, id, pollerOptions),
      backlog: (id) => request('GET', `/v1/subscriptions/${segment(id)}/backlog`),
    },
    events: {
      list: eventPage,
      listAll: (query = {}) => everyItem((cursor) => eventPage({ ...query, cursor }), query.cursor),
      get: (id) => request('GET', `/v1/events/${segment(id)}`),
    },
    deliveries: {
      get: (id) => request('GET', `/v1/deliveries/${segment(id)}`),
      list: deliveryPage,
      listAll: (query) => everyItem((cursor) => deliveryPage({ ...query, cursor }), query.cursor),
      retry: (id) => request('POST', `/v1/deliveries/${segment(id)}/retry`, undefined, onceOnly()),
    },
    operations: {
      get: (id) => request('GET', `/v1/operations/${segment(id)}`),
      // One Idempotency-Key for all its tries: a try whose answer was lost gets the first one's answer, not a 409.
      cancel: (id) => request('POST', `/v1/operations/${segment(id)}/cancel`, undefined, onceOnly()),
      list: operationPage,
      listAll: (subscriptionId, query = {}) => everyItem((cursor) => operationPage(subscriptionId, { ...query, cursor }), query.cursor),
    },
    eventTypes: {
      list: eventTypePage,
      listAll: (query = {}) => everyItem((cursor) => eventTypePage({ ...query, cursor }), query.cursor),
      create: (input) => request('POST', '/v1/event-types', input, onceOnly()),
      update: (profile, type, update) => request('PATCH', `/v1/event-types/${segment(profile)}/${segment(type)}`, update),
    },
    portalSessions: {
      create: (input = {}) => request('POST', '/v1/portal-sessions', input, onceOnly()),
    },
    signingKeys: {
      list: (tenant) => request('GET', `/v1/tenants/${segment(tenant)}/signing-keys`),
      rotate: (tenant) => request('POST', `/v1/tenants/${segment(tenant)}/signing-keys/rotate`, undefined, onceOnly()),
    },
  };
}

/**
 * A client for the hookfleet API. `url` and `token` default to `HOOKFLEET_URL` (else http://127.0.0.1:3000) and
 * `HOOKFLEET_TOKEN`, read now and only when the options leave them out.
 */
export function createClient(options: ClientOptions = {}): HookfleetClient {
  return buildClient(resolveClientOptions(options));
}
