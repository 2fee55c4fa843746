import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { profiles, type CompatApi, type CompatRoute } from '@hookfleet/profiles';
import { nativeRoutes } from '../src/routes/native-routes.js';
import type { AuthKind, NativeRoute } from '../src/routes/route-table.js';
import { PortalTokens } from '../src/portal/portal-token.js';
import { PORTAL_COOKIE } from '../src/portal/portal-cookie.js';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { findField } from '../../../test/find-field.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from './compat-auth.js';

/**
 * Every route of the route table (routes/native-routes.ts) and every compat route (packages/profiles) against every
 * kind of caller, as docs/contract.md ("Auth") promises: 401 without valid credentials, 403 for a kind of caller the
 * route does not admit, 404 (never 403, never 200) for an object of another tenant or outside a portal session's
 * scope, success for the rightful caller, and no answer carrying ids the caller may not see. The cases are built
 * from the table: a new route is checked for 401 and 403 at once, and fails `every route has a case` until it says
 * which object it names.
 */

type Answer = Awaited<ReturnType<TestFleet['call']>>;

/** Sent on every request: the portal's cookie routes want it (portal-cookie.ts), so they get as far as the credentials. */
const PORTAL_HEADER = { 'x-hookfleet-portal': '1' };

/** The portal's pages carry the session in a cookie (portal-cookie.ts); a subscriber's script sends the token as Bearer. */
const CALLERS = ['anonymous', 'wrong token', 'expired API key', 'expired portal token', 'operator', 'tenant A', 'tenant B', 'portal session of A', 'portal cookie of A'] as const;
type Caller = (typeof CALLERS)[number];
const KIND_OF: Partial<Record<Caller, Exclude<AuthKind, 'none'>>> = { operator: 'operator', 'tenant A': 'tenant', 'tenant B': 'tenant', 'portal session of A': 'portal', 'portal cookie of A': 'portal' };
const isPortal = (caller: Caller) => KIND_OF[caller] === 'portal';

/**
 * Whose object a case names: A's in the portal session's scope, A's outside it (the same session on A's other
 * subscription), or B's.
 */
type Slot = 'A, in scope' | 'A, out of scope' | 'B';

/** The objects a route's path (or `?subscription=`) names. */
type ObjectKind = 'subscription' | 'poll subscription' | 'delivery' | 'operation' | 'event' | 'tenant' | 'event type';

/** One object a case names, and the credentials that own it (a fresh tenant has its own key). */
interface Target {
  id: string;
  /** The key of the tenant that owns it, where that is not A's or B's usual key (a fresh tenant). */
  ownerKey?: string;
  /** A portal token of its tenant scoped to its subscription. */
  portalToken: string;
}

interface RouteCase {
  /** What the path's `:id` (or the query's `subscription`) names; absent: the route names no object. */
  names?: ObjectKind;
  /** The success case uses the object up (a delete, a key rotation): each rightful caller gets a fresh one. */
  spends?: boolean;
  /** The path, where the route's own with its parameters filled is not enough (a query naming the object or tenant). */
  path?: (caller: Caller, target: Target) => string;
  body?: (caller: Caller, target: Target) => unknown;
  /** Routes that refuse some admitted caller for a reason the table cannot say (a scoped portal session creating). */
  refuses?: Partial<Record<Caller, number>>;
}

describe('authorization matrix: every route × every caller', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  const portalTokens = new PortalTokens(ADMIN_TOKEN);
  const tenants = {} as Record<'A' | 'B', { id: string; api_key: string }>;
  let expiredApiKey = '';
  let expiredPortalToken = '';
  /** Per kind of subscription of A (and B's): its id. */
  const subscriptions: Record<string, string> = {};
  const deliveries: Record<string, string> = {};
  const operations: Record<string, string> = {};
  const events: Record<'A' | 'B', string> = { A: '', B: '' };
  const secrets: Record<string, string> = {};
  /** A portal token of A scoped to exactly one subscription, by subscription id. */
  const scopedToken = new Map<string, string>();
  let registeredType = '';

  const since = () => new Date(Date.now() - 3600_000).toISOString();
  const tokenOfLink = (url: string) => decodeURIComponent(url.split('#token=')[1] ?? '');

  async function portalSessionScopedTo(subscriptionId: string): Promise<string> {
    const link = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptionId] }, tenants.A.api_key);
    expect(link.status).toBe(201);
    return tokenOfLink(link.body.url);
  }

  async function createSubscription(tenant: 'A' | 'B', label: string, fields: Record<string, unknown>): Promise<string> {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenants[tenant].id, events: ['matrix.*'], secret, description: `${tenant} ${label}`, ...fields });
    expect({ label, status: created.status }).toEqual({ label, status: 201 });
    secrets[created.body.id] = secret;
    return created.body.id;
  }

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001', HOOKFLEET_TENANT_API_RATE: '0' });
    tenants.A = await fleet.createTenant('tenant A');
    tenants.B = await fleet.createTenant('tenant B');
    // A's first key, rotated out with one second to live: past its expiry by the time the matrix runs.
    expiredApiKey = tenants.A.api_key;
    const rotatedAt = Date.now();
    const rotated = await fleet.call('POST', `/v1/tenants/${tenants.A.id}/api-key/rotate`, { previous_key_expires_in: 1 }, tenants.A.api_key);
    expect(rotated.status).toBe(200);
    tenants.A.api_key = rotated.body.api_key;

    const http = (path: string) => ({ url: receiver.url(path) });
    subscriptions['A http'] = await createSubscription('A', 'http', http('/a-http'));
    subscriptions['A ordered'] = await createSubscription('A', 'ordered', { ...http('/a-ordered'), ordered: true });
    subscriptions['A batch'] = await createSubscription('A', 'batch', { ...http('/a-batch'), batch: { max_events: 10, max_wait_ms: 0 } });
    subscriptions['A poll'] = await createSubscription('A', 'poll', { destination: { type: 'poll' } });
    subscriptions['A other poll'] = await createSubscription('A', 'other poll', { destination: { type: 'poll' } });
    subscriptions['B http'] = await createSubscription('B', 'http', http('/b-http'));
    subscriptions['B poll'] = await createSubscription('B', 'poll', { destination: { type: 'poll' } });
    for (const name of ['A http', 'A ordered', 'A batch', 'A poll', 'A other poll']) scopedToken.set(subscriptions[name] as string, await portalSessionScopedTo(subscriptions[name] as string));

    for (const tenant of ['A', 'B'] as const) {
      const published = await fleet.call('POST', '/v1/events', { tenant: tenants[tenant].id, profile: 'standard', type: 'matrix.seeded', data: { tenant } });
      expect(published.status).toBe(202);
      events[tenant] = published.body.id;
    }
    for (const name of ['A http', 'A ordered', 'A batch', 'B http']) {
      const delivered = await waitFor(
        async () => {
          const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptions[name]}`);
          const delivery = (listed.body.data as Array<{ id: string; status: string; attempts: number }>)?.find((entry) => entry.status === 'delivered' && entry.attempts > 0);
          return delivery?.id;
        },
        { message: `a delivered delivery with an attempt on ${name}` },
      );
      deliveries[name] = delivered;
      const recover = await fleet.call('POST', `/v1/subscriptions/${subscriptions[name]}/recover`, { since: since() });
      expect(recover.status).toBe(202);
      operations[name] = recover.body.operation_id;
    }
    // Without a worker from here on, an operation stays running: a cancel finds it so, whoever asks first.
    await Promise.all(fleet.workers.splice(0).map((worker) => worker.stop()));
    registeredType = `matrix.typed_${randomBytes(4).toString('hex')}`;
    const registered = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: registeredType, schema: { type: 'object' } });
    expect(registered.status).toBe(201);

    // Signed by this fleet's key, with an expiry a minute past: as an expired link's token is.
    expiredPortalToken = portalTokens.mint({ tenantId: tenants.A.id, subscriptionIds: [subscriptions['A http'] as string], createdBy: null }, 60, Date.now() - 120_000).token;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, rotatedAt + 1_200 - Date.now())));
  }, 45_000);

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
  });

  /** Everything of a tenant: ids, key, secrets and endpoint paths (each subscription's URL path is its own). */
  function valuesOf(tenant: 'A' | 'B', except: readonly string[] = []): string[] {
    const names = Object.keys(subscriptions).filter((name) => name.startsWith(`${tenant} `) && !except.includes(subscriptions[name] as string));
    return [
      ...names.flatMap((name) => [subscriptions[name] as string, secrets[subscriptions[name] as string] as string, deliveries[name], operations[name]]),
      ...names.filter((name) => !name.includes('poll')).map((name) => `/${name.toLowerCase().replace(' ', '-')}`),
      ...(except.length === 0 ? [tenants[tenant].id, tenants[tenant].api_key, events[tenant]] : []),
    ].filter((value): value is string => typeof value === 'string' && value !== '');
  }

  /** What a caller must never see: the other tenant's everything; for a portal session, A's objects outside its scope too. */
  function foreignValues(caller: Caller, target: Target): string[] {
    if (caller === 'tenant A') return valuesOf('B');
    if (caller === 'tenant B') return valuesOf('A');
    if (isPortal(caller)) return [...valuesOf('B'), ...valuesOf('A', [target.id, ...[...scopedToken.entries()].filter(([, token]) => token === target.portalToken).map(([id]) => id)])];
    return [];
  }

  /** No foreign value in the answer, but those the request itself named (a 404 may repeat the id it was asked for). */
  function expectNoForeignValues(answer: Answer, label: string, foreign: readonly string[], request: string): void {
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const leaked = foreign.filter((value) => text.includes(value) && !request.includes(value));
    expect({ label, leaked }).toEqual({ label, leaked: [] });
  }

  // ——— the objects each slot names ———

  const subscriptionSlots: Record<string, Record<Slot, string>> = {
    http: { 'A, in scope': 'A http', 'A, out of scope': 'A ordered', B: 'B http' },
    ordered: { 'A, in scope': 'A ordered', 'A, out of scope': 'A batch', B: 'B http' },
    batch: { 'A, in scope': 'A batch', 'A, out of scope': 'A http', B: 'B http' },
  };
  const pollSlots: Record<Slot, string> = { 'A, in scope': 'A poll', 'A, out of scope': 'A other poll', B: 'B poll' };

  /** The subscription kinds a route is tried on: poll routes on poll subscriptions, the others on each HTTP kind. */
  function variantsOf(kind: ObjectKind | undefined): string[] {
    if (kind === 'subscription' || kind === 'delivery' || kind === 'operation') return Object.keys(subscriptionSlots);
    return ['http'];
  }

  async function targetFor(kind: ObjectKind | undefined, variant: string, slot: Slot, fresh: boolean): Promise<Target> {
    const named = kind === 'poll subscription' ? pollSlots[slot] : (subscriptionSlots[variant] as Record<Slot, string>)[slot];
    const subscriptionId = subscriptions[named] as string;
    const inScopeToken = scopedToken.get(subscriptions[kind === 'poll subscription' ? pollSlots['A, in scope'] : (subscriptionSlots[variant] as Record<Slot, string>)['A, in scope']] as string) as string;
    const tenant = slot === 'B' ? 'B' : 'A';
    switch (kind) {
      case undefined:
        return { id: '', portalToken: inScopeToken };
      case 'subscription':
      case 'poll subscription': {
        if (!fresh) return { id: subscriptionId, portalToken: inScopeToken };
        const id = await createSubscription(tenant, `fresh ${variant}`, kind === 'poll subscription' ? { destination: { type: 'poll' } } : { url: receiver.url('/a-fresh') });
        return { id, portalToken: await portalSessionScopedTo(id) };
      }
      case 'delivery':
        return { id: deliveries[named] as string, portalToken: inScopeToken };
      case 'operation': {
        if (!fresh) return { id: operations[named] as string, portalToken: inScopeToken };
        const recover = await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/recover`, { since: since() });
        return { id: recover.body.operation_id, portalToken: inScopeToken };
      }
      case 'event':
        return { id: events[tenant], portalToken: inScopeToken };
      case 'tenant': {
        if (!fresh) return { id: tenants[tenant].id, portalToken: inScopeToken };
        const created = await fleet.createTenant('fresh tenant');
        return { id: created.id, ownerKey: created.api_key, portalToken: inScopeToken };
      }
      case 'event type':
        return { id: `standard/${registeredType}`, portalToken: inScopeToken };
    }
  }

  // ——— what each route names, and a request its rightful caller makes ———

  const ROUTE_CASES: Record<string, RouteCase> = {
    'post /v1/tenants': { body: () => ({ name: 'matrix' }) },
    'get /v1/tenants': {},
    'get /v1/tenants/:id': { names: 'tenant' },
    'patch /v1/tenants/:id': { names: 'tenant', body: () => ({ name: 'renamed by the matrix' }) },
    'delete /v1/tenants/:id': { names: 'tenant', spends: true },
    'post /v1/tenants/:id/api-key/rotate': { names: 'tenant', spends: true, body: () => ({}) },
    'get /v1/tenants/:id/signing-keys': { names: 'tenant' },
    'get /.well-known/hookfleet/:tenant/jwks.json': { names: 'tenant' },
    'post /v1/tenants/:id/signing-keys/rotate': { names: 'tenant' },
    'post /v1/events': { body: (caller) => ({ tenant: tenants[caller === 'tenant B' ? 'B' : 'A'].id, profile: 'standard', type: 'other.published', data: {} }) },
    'post /v1/events/batch': { body: () => ({ events: [{ tenant: tenants.A.id, profile: 'standard', type: 'other.published', data: {} }] }) },
    'get /v1/events': { path: (caller) => `/v1/events${caller === 'operator' ? `?tenant=${tenants.A.id}` : ''}` },
    'get /v1/events/:id': { names: 'event' },
    'post /v1/subscriptions': {
      body: (caller) => ({ url: receiver.url('/created'), events: ['other.*'], ...(caller === 'operator' ? { tenant: tenants.A.id } : {}) }),
      // A session scoped to its subscriptions cannot create (what it made would fall outside its own list).
      refuses: { 'portal session of A': 403, 'portal cookie of A': 403 },
    },
    'get /v1/subscriptions': { path: (caller) => `/v1/subscriptions${caller === 'operator' ? `?tenant=${tenants.A.id}` : ''}` },
    'get /v1/subscriptions/:id': { names: 'subscription' },
    'patch /v1/subscriptions/:id': { names: 'subscription', body: () => ({ description: 'patched by the matrix' }) },
    'delete /v1/subscriptions/:id': { names: 'subscription', spends: true },
    'get /v1/subscriptions/:id/secret': { names: 'subscription' },
    'post /v1/subscriptions/:id/rotate-secret': { names: 'subscription', body: () => ({}) },
    'get /v1/subscriptions/:id/attempts': { names: 'subscription' },
    'get /v1/subscriptions/:id/stats': { names: 'subscription' },
    'post /v1/subscriptions/:id/recover': { names: 'subscription', body: () => ({ since: since() }) },
    'post /v1/subscriptions/:id/replay': { names: 'subscription', body: () => ({ since: since(), types: ['none.matched'] }) },
    'post /v1/subscriptions/:id/test': { names: 'subscription', body: () => ({}) },
    'get /v1/subscriptions/:id/messages': { names: 'poll subscription' },
    'get /v1/subscriptions/:id/backlog': { names: 'poll subscription' },
    'get /v1/operations/:id': { names: 'operation' },
    'post /v1/operations/:id/cancel': { names: 'operation', spends: true },
    'get /v1/subscriptions/:id/operations': { names: 'subscription' },
    'get /v1/deliveries': { names: 'subscription', path: (_caller, target) => `/v1/deliveries?subscription=${target.id}` },
    'get /v1/deliveries/:id': { names: 'delivery' },
    'post /v1/deliveries/:id/retry': { names: 'delivery' },
    'get /v1/event-types': {},
    'post /v1/event-types': { body: () => ({ profile: 'standard', type: `matrix.more_${randomBytes(4).toString('hex')}`, schema: { type: 'object' } }) },
    'patch /v1/event-types/:profile/:type': { names: 'event type', body: () => ({ description: 'patched by the matrix' }) },
    'post /v1/portal-sessions': { body: (caller) => (caller === 'operator' ? { tenant: tenants.A.id } : {}) },
    'post /portal/session': { body: (caller) => (caller === 'operator' ? { tenant: tenants.A.id } : {}) },
    'get /portal/session': {},
    'delete /portal/session': {},
    'get /': {},
    'get /healthz': {},
    'get /readyz': {},
    'get /metrics': {},
    'get /openapi.json': {},
    'get /docs': {},
    'get /docs/init.js': {},
  };
  const keyOf = (route: NativeRoute) => `${route.method} ${route.path}`;

  function pathFor(route: NativeRoute, routeCase: RouteCase | undefined, caller: Caller, target: Target): string {
    if (routeCase?.path) return routeCase.path(caller, target);
    if (routeCase?.names === 'event type') return route.path.replace(':profile/:type', target.id);
    // A route without a case yet still gets its 401s and 403s: those come before any object is looked up.
    return route.path.replace(/:[A-Za-z_]+/g, target.id || 'unnamed');
  }

  /** The request headers that carry a caller's credentials. */
  function credentialsOf(caller: Caller, target: Target): Record<string, string> {
    if (caller === 'portal cookie of A') return { cookie: `${PORTAL_COOKIE}=${target.portalToken}` };
    const token = bearerOf(caller, target);
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  function bearerOf(caller: Exclude<Caller, 'portal cookie of A'>, target: Target): string | null {
    switch (caller) {
      case 'anonymous':
        return null;
      case 'wrong token':
        return `hfk_${randomBytes(24).toString('base64url')}`;
      case 'expired API key':
        return expiredApiKey;
      case 'expired portal token':
        return expiredPortalToken;
      case 'operator':
        return ADMIN_TOKEN;
      case 'tenant A':
        return target.ownerKey ?? tenants.A.api_key;
      case 'tenant B':
        return tenants.B.api_key;
      case 'portal session of A':
        return target.portalToken;
    }
  }

  /**
   * The answer a caller must get on a slot: a status, or 'success' (one of the route's declared 2xx/3xx); null where
   * the route has no case yet, so nothing says which object it names.
   */
  function expected(route: NativeRoute, routeCase: RouteCase | undefined, caller: Caller, slot: Slot): number | 'success' | null {
    const kind = KIND_OF[caller];
    // A route that reads a bearer header only never sees the cookie: as no credentials.
    if (!kind || (caller === 'portal cookie of A' && route.credentials === 'bearer')) return 401;
    if (!route.auth.includes(kind)) return 403;
    if (!routeCase) return null;
    const refusal = routeCase?.refuses?.[caller];
    if (refusal !== undefined) return refusal;
    const owner = caller === 'tenant B' ? 'B' : 'A';
    if (!routeCase?.names || routeCase.names === 'event type' || kind === 'operator') return 'success';
    if (slot === 'B') return owner === 'B' ? 'success' : 404;
    if (owner === 'B') return 404;
    return isPortal(caller) && slot === 'A, out of scope' ? 404 : 'success';
  }

  /** The (caller, slot) pairs worth asking: each caller on A's object, and the refusals on the others. */
  function casesOf(route: NativeRoute, routeCase: RouteCase | undefined): Array<[Caller, Slot]> {
    const pairs: Array<[Caller, Slot]> = CALLERS.map((caller) => [caller, 'A, in scope']);
    if (routeCase?.names && routeCase.names !== 'event type') {
      pairs.push(['tenant A', 'B'], ['tenant A', 'A, out of scope'], ['portal session of A', 'A, out of scope'], ['portal session of A', 'B'], ['portal cookie of A', 'A, out of scope'], ['portal cookie of A', 'B']);
    }
    return pairs;
  }

  const authenticated = nativeRoutes.filter((route) => !route.auth.includes('none'));
  const open = nativeRoutes.filter((route) => route.auth.includes('none'));

  it('every route of the table has a case here, and every case a route', () => {
    expect(nativeRoutes.map(keyOf).filter((key) => !(key in ROUTE_CASES))).toEqual([]);
    expect(Object.keys(ROUTE_CASES).filter((key) => !nativeRoutes.some((route) => keyOf(route) === key))).toEqual([]);
  });

  it.each(authenticated.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s', async (_label, route) => {
    const routeCase = ROUTE_CASES[keyOf(route)];
    const successes = Object.keys(route.answers).map(Number).filter((status) => status < 400);
    const failures: string[] = [];
    for (const variant of variantsOf(routeCase?.names)) {
      for (const [caller, slot] of casesOf(route, routeCase)) {
        const want = expected(route, routeCase, caller, slot);
        if (want === null) continue;
        const target = await targetFor(routeCase?.names, variant, slot, want === 'success' && routeCase?.spends === true);
        const path = pathFor(route, routeCase, caller, target);
        const body = routeCase?.body?.(caller, target) ?? (route.body ? {} : undefined);
        const answer = await fleet.call(route.method.toUpperCase(), path, body, null, { ...PORTAL_HEADER, ...credentialsOf(caller, target) });
        const label = `${caller} on ${slot} (${variant}): ${route.method.toUpperCase()} ${path}`;
        const ok = want === 'success' ? successes.includes(answer.status) : answer.status === want;
        if (!ok) failures.push(`${label}: wanted ${want === 'success' ? successes.join('|') : want}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        expectNoForeignValues(answer, label, foreignValues(caller, target), `${path} ${JSON.stringify(body)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(open.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s (no auth): a success for every caller, with no tenant data it was not asked for', async (_label, route) => {
    const target = await targetFor(ROUTE_CASES[keyOf(route)]?.names, 'http', 'A, in scope', false);
    for (const caller of CALLERS) {
      const path = pathFor(route, ROUTE_CASES[keyOf(route)], caller, target);
      const answer = await fleet.call(route.method.toUpperCase(), path, undefined, null, { ...PORTAL_HEADER, ...credentialsOf(caller, target) });
      expect({ caller, success: answer.status < 400 }).toEqual({ caller, success: true });
      expectNoForeignValues(answer, `${caller}: ${path}`, [...valuesOf('A'), ...valuesOf('B')], path);
    }
  });

  describe('objects named in bodies and queries', () => {
    it("a tenant key naming another tenant in a body or a query gets a 400 or its own data, never the other's", async () => {
      const create = await fleet.call('POST', '/v1/subscriptions', { tenant: tenants.A.id, url: receiver.url('/stolen'), events: ['*'] }, tenants.B.api_key);
      expect(create.status).toBe(400);
      expect(create.body.issues).toEqual([expect.objectContaining({ path: 'tenant' })]);
      for (const path of [`/v1/subscriptions?tenant=${tenants.A.id}`, `/v1/events?tenant=${tenants.A.id}`]) {
        const listed = await fleet.call('GET', path, undefined, tenants.B.api_key);
        expect({ path, status: listed.status }).toEqual({ path, status: 200 });
        expect((listed.body.data as Array<{ tenant: string }>).every((entry) => entry.tenant === tenants.B.id)).toBe(true);
        expectNoForeignValues(listed, path, valuesOf('A'), path);
      }
      const portalSession = await fleet.call('POST', '/v1/portal-sessions', { tenant: tenants.A.id }, tenants.B.api_key);
      expect(portalSession.status).toBe(400);
      const signIn = await fleet.call('POST', '/portal/session', { tenant: tenants.A.id }, tenants.B.api_key, PORTAL_HEADER);
      expect(signIn.status).toBe(400);
      expect(signIn.headers.get('set-cookie')).toBeNull();
    });

    it("a tenant key cannot open a portal session on another tenant's subscription", async () => {
      const answer = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptions['A http']] }, tenants.B.api_key);
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([expect.objectContaining({ path: 'subscriptions.0' })]);
      expect(JSON.stringify(answer.body)).not.toContain('url');
    });

    it("a portal session of one user creates for that user only, and lists only that user's subscriptions", async () => {
      const link = await fleet.call('POST', '/v1/portal-sessions', { created_by: 'alice' }, tenants.A.api_key);
      const alice = tokenOfLink(link.body.url);
      const forBob = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/for-bob'), events: ['*'], created_by: 'bob' }, alice, PORTAL_HEADER);
      expect(forBob.status).toBe(400);
      expect(forBob.body.issues).toEqual([expect.objectContaining({ path: 'created_by' })]);
      const own = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/for-alice'), events: ['*'] }, alice, PORTAL_HEADER);
      expect(own.status).toBe(201);
      expect(own.body.created_by).toBe('alice');
      const listed = await fleet.call('GET', '/v1/subscriptions', undefined, alice, PORTAL_HEADER);
      expect(listed.body.data.map((entry: { id: string }) => entry.id)).toEqual([own.body.id]);
      // Another user's subscription of the same tenant is as unknown to alice as another tenant's.
      const other = await fleet.call('GET', `/v1/subscriptions/${subscriptions['A http']}`, undefined, alice, PORTAL_HEADER);
      expect(other.status).toBe(404);
    });

    it("a portal session sending a tenant-only field for a subscription outside its scope gets a 404, as for any other field", async () => {
      const token = scopedToken.get(subscriptions['A http'] as string) as string;
      for (const id of [subscriptions['A ordered'], subscriptions['B http']]) {
        const answer = await fleet.call('PATCH', `/v1/subscriptions/${id}`, { metadata: { owner: 'me' } }, token, PORTAL_HEADER);
        expect({ id, status: answer.status }).toEqual({ id, status: 404 });
      }
      const inScope = await fleet.call('PATCH', `/v1/subscriptions/${subscriptions['A http']}`, { metadata: { owner: 'me' } }, token, PORTAL_HEADER);
      expect(inScope.status).toBe(403);
    });
  });

  describe('compat routes', () => {
    const compatProfiles = profiles.filter((profile): profile is typeof profile & { compat: CompatApi } => profile.compat !== undefined);
    const integration = { 'integration-id': 'matrix' };
    const styleOf = (profile: string, key: string): Record<string, string> => ({ ...integration, ...(providerAuth as Record<string, (key: string) => Record<string, string>>)[profile]?.(key) });

    /** An example body with each URL pointing at a path naming its owner, so an answer carrying it is spotted. */
    function owned(value: unknown, owner: string): unknown {
      if (typeof value === 'string' && /^https?:\/\//.test(value)) return `https://${owner}.example/hook`;
      if (Array.isArray(value)) return value.map((item) => owned(item, owner));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, owned(item, owner)]));
      return value;
    }

    const exampleOf = (route: CompatRoute | undefined) => route?.examples?.find((entry) => entry.request !== undefined)?.request;

    async function createCompat(profile: (typeof compatProfiles)[number], key: string, owner: string): Promise<string> {
      const create = profile.compat.routes.find((route) => route.operation === 'create') as CompatRoute;
      const answer = await fleet.call(create.method, `/${profile.name}${create.path}`, owned(exampleOf(create), owner), null, styleOf(profile.name, key));
      expect({ profile: profile.name, status: answer.status }).toEqual({ profile: profile.name, status: create.status });
      return String(findField(answer.body, profile.compat.idField));
    }

    const cases = compatProfiles.flatMap((profile) => profile.compat.routes.map((route) => [`${profile.name} ${route.method} ${route.path}`, profile, route] as const));

    it.each(cases)('%s', async (_label, profile, route) => {
      const ownerA = `owner-a-${randomBytes(3).toString('hex')}`;
      await createCompat(profile, tenants.B.api_key, 'owner-b');
      const named = route.path.includes(':id');
      const pathFor = (id: string) => `/${profile.name}${route.path.replace(':id', id)}`;
      const get = profile.compat.routes.find((entry) => entry.operation === 'get') as CompatRoute;
      const read = (id: string, key: string) => fleet.call('GET', `/${profile.name}${get.path.replace(':id', id)}`, undefined, null, styleOf(profile.name, key));
      // Ids counted per tenant (Paymo, Forecast) give B objects of the same numbers: A's is one B has no object at.
      let idOfA = await createCompat(profile, tenants.A.api_key, ownerA);
      while ((await read(idOfA, tenants.B.api_key)).status !== 404) idOfA = await createCompat(profile, tenants.A.api_key, ownerA);
      const bodyFor = (owner: string) => (route.body ? owned(exampleOf(route) ?? {}, owner) : undefined);
      const callers: Array<[string, Record<string, string>, number | 'success']> = [
        ['anonymous', integration, 401],
        ['wrong key', styleOf(profile.name, `hfk_${randomBytes(24).toString('base64url')}`), 401],
        ['expired API key', styleOf(profile.name, expiredApiKey), 401],
        ["A's portal token", styleOf(profile.name, scopedToken.get(subscriptions['A http'] as string) as string), 401],
        ["A's portal cookie", { ...integration, ...PORTAL_HEADER, cookie: `${PORTAL_COOKIE}=${scopedToken.get(subscriptions['A http'] as string)}` }, 401],
        ['expired portal token', styleOf(profile.name, expiredPortalToken), 401],
        ["B's key", styleOf(profile.name, tenants.B.api_key), named ? 404 : 'success'],
        ["B's key as Bearer", { ...integration, authorization: `Bearer ${tenants.B.api_key}` }, named ? 404 : 'success'],
        ["B's key naming A in Hookfleet-Tenant", { ...styleOf(profile.name, tenants.B.api_key), 'hookfleet-tenant': tenants.A.id }, named ? 404 : 'success'],
        ["A's key", styleOf(profile.name, tenants.A.api_key), 'success'],
        ['the operator for A', { ...integration, authorization: `Bearer ${ADMIN_TOKEN}`, 'hookfleet-tenant': tenants.A.id }, 'success'],
      ];
      const failures: string[] = [];
      for (const [caller, headers, want] of callers) {
        // A delete uses its object up: each rightful caller deletes one of its own.
        const id = want === 'success' && route.operation === 'delete' ? await createCompat(profile, tenants.A.api_key, ownerA) : idOfA;
        const body = bodyFor(caller.startsWith("B's") ? 'owner-b' : ownerA);
        const answer = await fleet.call(route.method, pathFor(id), body, null, headers);
        const ok = want === 'success' ? answer.status === route.status : answer.status === want;
        if (!ok) failures.push(`${caller}: ${route.method} ${pathFor(id)}: wanted ${want === 'success' ? route.status : want}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        if (caller.startsWith("B's")) expectNoForeignValues(answer, caller, [ownerA, tenants.A.id, ...valuesOf('A')], pathFor(id));
      }
      expect(failures).toEqual([]);
      // B's refused update or delete left A's object there, with nothing of B's body in it.
      const still = await read(idOfA, tenants.A.api_key);
      expect({ status: still.status, changedByB: JSON.stringify(still.body).includes('owner-b') }).toEqual({ status: 200, changedByB: false });
    });
  });
});
