import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { profiles, type CompatApi } from '@hookfleet/profiles';
import { nativeRoutes } from '../src/routes/native-routes.js';
import type { NativeRoute } from '../src/routes/route-table.js';
import { ADMIN_TOKEN, startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { findField } from '../../../test/find-field.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from './compat-auth.js';

type Answer = Awaited<ReturnType<TestFleet['call']>>;

/** Sent on every request: the portal's sign-in wants it (CSRF), so those routes get as far as checking credentials. */
const PORTAL_HEADER = { 'x-hookfleet-portal': '1' };

/** Wrong credentials of every shape: none of them may open anything. */
function wrongKeys(victimKey: string): Array<[string, Record<string, string>]> {
  return [
    ['no credentials', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['an unknown tenant key', { authorization: `Bearer hfk_${randomBytes(24).toString('base64url')}` }],
    ['a random token', { authorization: `Bearer ${randomBytes(16).toString('hex')}` }],
    ['the admin token with one character changed', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}${ADMIN_TOKEN.endsWith('x') ? 'y' : 'x'}` }],
    ['the admin token as a prefix', { authorization: `Bearer ${ADMIN_TOKEN}extra` }],
    ["the victim's key upper-cased", { authorization: `Bearer ${victimKey.toUpperCase()}` }],
    ["the victim's key truncated", { authorization: `Bearer ${victimKey.slice(0, -2)}` }],
    ["the victim's key as HTTP Basic", { authorization: `Basic ${Buffer.from(`${victimKey}:`).toString('base64')}` }],
    ['a key in the query string only', {}],
  ];
}

describe('tenants are kept apart on every route', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let victim: { id: string; api_key: string };
  let attacker: { id: string; api_key: string };
  const marker = `victim-only-${randomBytes(6).toString('hex')}`;
  const victimSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const fixtures: Record<string, string> = {};
  /** Every string the attacker must never see, whatever route it calls. */
  let victimValues: string[] = [];
  let compatCreatedByVictim = 0;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001' });
    victim = await fleet.createTenant(`tenant ${marker}`);
    attacker = await fleet.createTenant('attacker');
    const subscription = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url(`/${marker}`), events: ['victim.*'], secret: victimSecret, description: `desc ${marker}`, metadata: { note: marker } },
      victim.api_key,
    );
    expect(subscription.status).toBe(201);
    fixtures.subscription = subscription.body.id;
    const published = await fleet.call('POST', '/v1/events', { tenant: victim.id, profile: 'standard', type: 'victim.created', id: `evt-${randomBytes(6).toString('hex')}`, data: { marker } });
    expect(published.status).toBe(202);
    fixtures.event = published.body.id;
    await waitFor(() => receiver.forPath(`/${marker}`).length === 1, { message: "the victim's delivery" });
    fixtures.delivery = String(receiver.forPath(`/${marker}`)[0]?.headers['webhook-id']);
    const recover = await fleet.call('POST', `/v1/subscriptions/${fixtures.subscription}/recover`, { since: new Date(Date.now() - 60_000).toISOString() }, victim.api_key);
    expect(recover.status).toBe(202);
    fixtures.operation = recover.body.operation_id;
    // The attacker has data of its own, so its lists are not empty by accident.
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/attacker'), events: ['attacker.*'] }, attacker.api_key);
    victimValues = [marker, victimSecret, victimSecret.slice('whsec_'.length), victim.api_key, receiver.url(`/${marker}`)];
  });

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
  });

  /** The id a route's `:id` stands for, by the collection it names. */
  function victimIdFor(path: string): string {
    // Event types belong to the operator, not to a tenant: `:profile/:type` names no victim's data.
    if (!/:id\b/.test(path)) return '';
    const collection = /^\/v1\/([a-z-]+)\/:id/.exec(path)?.[1];
    const fixture = { subscriptions: fixtures.subscription, deliveries: fixtures.delivery, events: fixtures.event, operations: fixtures.operation, tenants: victim.id }[collection ?? ''];
    if (!fixture) throw new Error(`no victim fixture for ${path}: add one to this table`);
    return fixture;
  }

  /** A request that would succeed for the victim: valid body, the victim's ids in the path and the query. */
  function requestFor(route: NativeRoute): { path: string; body?: unknown } {
    const path = route.path.replace(/:id\b/, victimIdFor(route.path)).replace(':profile/:type', 'standard/victim.type');
    const since = new Date(Date.now() - 3600_000).toISOString();
    const bodies: Record<string, unknown> = {
      'post /v1/tenants': { name: 'intruder' },
      'patch /v1/tenants/:id': { name: 'intruder' },
      'post /v1/events': { tenant: victim.id, profile: 'standard', type: 'victim.forged', data: { forged: true } },
      'post /v1/events/batch': { events: [{ tenant: victim.id, profile: 'standard', type: 'victim.forged', data: {} }] },
      'post /v1/subscriptions': { url: receiver.url('/stolen'), events: ['victim.*'], tenant: victim.id },
      'patch /v1/subscriptions/:id': { url: receiver.url('/hijacked'), description: 'pwned', active: false },
      'post /v1/subscriptions/:id/recover': { since },
      'post /v1/subscriptions/:id/replay': { since },
      'post /v1/subscriptions/:id/test': {},
      'post /v1/subscriptions/:id/rotate-secret': {},
      'post /v1/portal-sessions': { tenant: victim.id, subscriptions: [fixtures.subscription] },
      'post /portal/session': { tenant: victim.id },
    };
    const queries: Record<string, string> = {
      'get /v1/subscriptions': `?tenant=${victim.id}`,
      'get /v1/events': `?tenant=${victim.id}`,
      'get /v1/deliveries': `?subscription=${fixtures.subscription}`,
    };
    const key = `${route.method} ${route.path}`;
    return { path: `${path}${queries[key] ?? ''}`, ...(key in bodies ? { body: bodies[key] } : route.body ? { body: {} } : {}) };
  }

  function expectNothingOfTheVictim(answer: Answer, label: string): void {
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    for (const value of victimValues) expect({ label, leaked: text.includes(value) ? value : null }).toEqual({ label, leaked: null });
  }

  const authenticated = nativeRoutes.filter((route) => !route.auth.includes('none'));
  const publicRoutes = nativeRoutes.filter((route) => route.auth.includes('none'));

  it.each(authenticated.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s: 401 for every wrong credential', async (_label, route) => {
    const { path, body } = requestFor(route);
    for (const [label, headers] of wrongKeys(victim.api_key)) {
      const target = label === 'a key in the query string only' ? `${path}${path.includes('?') ? '&' : '?'}api_key=${victim.api_key}` : path;
      const answer = await fleet.call(route.method.toUpperCase(), target, body, null, { ...PORTAL_HEADER, ...headers });
      expect({ label, status: answer.status }).toEqual({ label, status: 401 });
      expect(answer.body).toMatchObject({ error: expect.any(String) });
      expectNothingOfTheVictim(answer, label);
    }
  });

  /** What another tenant's key may get: refusals, or its own (empty of the victim) data. */
  function attackerStatuses(route: NativeRoute, body: unknown): number[] {
    if (route.auth.length === 1 && route.auth[0] === 'operator') return [403];
    if (route.auth.length === 1 && route.auth[0] === 'portal') return [401, 403];
    if (route.path.includes(':id') || route.path === '/v1/deliveries') return [404];
    // Naming the victim's tenant in the body is refused, not obeyed.
    if (body && typeof body === 'object' && (body as { tenant?: unknown }).tenant === victim.id) return [400, 403];
    return [200];
  }

  it.each(authenticated.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))("%s: another tenant's key gets 403, 404 or its own data only", async (_label, route) => {
    const { path, body } = requestFor(route);
    const answer = await fleet.call(route.method.toUpperCase(), path, body, attacker.api_key, PORTAL_HEADER);
    expectNothingOfTheVictim(answer, path);
    expect(attackerStatuses(route, body)).toContain(answer.status);
    expect(answer.body === null || typeof answer.body === 'object').toBe(true);
  });

  it.each(authenticated.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))("%s: another tenant's portal session gets 401, 403, 404 or its own data only", async (_label, route) => {
    const session = await fleet.call('POST', '/v1/portal-sessions', {}, attacker.api_key);
    expect(session.status).toBe(201);
    const token = decodeURIComponent(String(session.body.url).split('#token=')[1] ?? '');
    const { path, body } = requestFor(route);
    const answer = await fleet.call(route.method.toUpperCase(), path, body, token, PORTAL_HEADER);
    expectNothingOfTheVictim(answer, path);
    const allowed = route.path.includes(':id') || route.path === '/v1/deliveries' ? [403, 404] : [200, 400, 401, 403];
    expect(allowed).toContain(answer.status);
  });

  it.each(publicRoutes.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s: public, and shows no tenant data', async (_label, route) => {
    for (const token of [null, attacker.api_key]) {
      const answer = await fleet.call(route.method.toUpperCase(), route.path, undefined, token);
      expect(answer.status).toBeLessThan(500);
      expectNothingOfTheVictim(answer, route.path);
    }
  });

  it('keeps the queue board for the operator', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      for (const token of [null, attacker.api_key, victim.api_key]) {
        const answer = await fleet.call('GET', path, undefined, token);
        expect(answer.status).toBe(401);
        expectNothingOfTheVictim(answer, path);
      }
    }
  });

  describe('compat routes', () => {
    const compatProfiles = profiles.filter((profile): profile is typeof profile & { compat: CompatApi } => profile.compat !== undefined);
    const victimCompatIds: Record<string, string> = {};
    /** Objects the victim makes first: with per-tenant sequences (Paymo, Forecast) its marked one is then no id the attacker has. */
    const FILLERS = 5;
    const scope = { 'integration-id': 'shared-scope' };

    /** Every URL of an example body replaced by one naming its owner (the victim's carry the marker). */
    function marked(value: unknown, profile: string, owner = marker): unknown {
      if (typeof value === 'string' && /^https?:\/\//.test(value)) return `https://${owner}.example/${profile}`;
      if (Array.isArray(value)) return value.map((item) => marked(item, profile, owner));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, marked(item, profile, owner)]));
      return value;
    }

    const headersOf = (profile: string, key: string): Record<string, string> => ({ ...scope, ...(providerAuth as Record<string, (key: string) => Record<string, string>>)[profile]?.(key) });

    beforeAll(async () => {
      for (const profile of compatProfiles) {
        const create = profile.compat.routes.find((route) => route.operation === 'create');
        const example = create?.examples?.find((entry) => entry.request !== undefined)?.request;
        if (!create || example === undefined) throw new Error(`${profile.name}: no create example to build the victim's object from`);
        for (let filler = 0; filler < FILLERS; filler += 1) {
          const answer = await fleet.call(create.method, `/${profile.name}${create.path}`, marked(example, profile.name, `victim-filler-${filler}`), null, headersOf(profile.name, victim.api_key));
          expect({ profile: profile.name, status: answer.status }).toEqual({ profile: profile.name, status: create.status });
        }
        const answer = await fleet.call(create.method, `/${profile.name}${create.path}`, marked(example, profile.name), null, headersOf(profile.name, victim.api_key));
        expect({ profile: profile.name, status: answer.status }).toEqual({ profile: profile.name, status: create.status });
        victimCompatIds[profile.name] = String(findField(answer.body, profile.compat.idField));
        compatCreatedByVictim += FILLERS + 1;
      }
    });

    const compatCases = compatProfiles.flatMap((profile) => profile.compat.routes.map((route) => [`${profile.name} ${route.method} ${route.path}`, profile.name, route] as const));

    it.each(compatCases)("%s: 401 without a valid key, and another tenant's key (its own header style or Bearer) sees nothing of the victim", async (_label, profileName, route) => {
      const path = `/${profileName}${route.path.replace(':id', victimCompatIds[profileName] ?? 'missing')}`;
      const example = route.examples?.find((entry) => entry.request !== undefined)?.request;
      const body = route.body ? marked(example ?? {}, profileName, 'attacker') : undefined;
      // HTTP Basic with the key as user name is Paymo's own style, so a right key there.
      const wrong = wrongKeys(victim.api_key).filter(([label]) => label !== 'a key in the query string only' && !(profileName === 'paymo' && label.includes('HTTP Basic')));
      for (const [label, headers] of wrong) {
        const answer = await fleet.call(route.method, path, body, null, { ...scope, ...headers });
        expect({ label, status: answer.status }).toEqual({ label, status: 401 });
        expectNothingOfTheVictim(answer, label);
      }
      for (const headers of [headersOf(profileName, attacker.api_key), { ...scope, authorization: `Bearer ${attacker.api_key}` }, { ...headersOf(profileName, attacker.api_key), 'hookfleet-tenant': victim.id }]) {
        const answer = await fleet.call(route.method, path, body, null, headers);
        expectNothingOfTheVictim(answer, JSON.stringify(headers));
        expect(answer.status).toBeLessThan(500);
        if (route.path.includes(':id')) expect([401, 403, 404]).toContain(answer.status);
      }
    });

    it("still has every victim's compat object, unchanged", async () => {
      for (const profile of compatProfiles) {
        const get = profile.compat.routes.find((route) => route.operation === 'get');
        if (!get) continue;
        const answer = await fleet.call('GET', `/${profile.name}${get.path.replace(':id', victimCompatIds[profile.name] ?? '')}`, undefined, null, headersOf(profile.name, victim.api_key));
        expect({ profile: profile.name, status: answer.status }).toEqual({ profile: profile.name, status: 200 });
        expect(JSON.stringify(answer.body)).toContain(marker);
      }
    });
  });

  it("leaves the victim's subscription, deliveries and tenant exactly as they were", async () => {
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'queues drained' });
    const subscription = await fleet.call('GET', `/v1/subscriptions/${fixtures.subscription}`, undefined, victim.api_key);
    expect(subscription.body).toMatchObject({ url: receiver.url(`/${marker}`), active: true, description: `desc ${marker}`, secret: victimSecret });
    const listed = await fleet.call('GET', '/v1/subscriptions?limit=500', undefined, victim.api_key);
    // Its own subscription and the compat objects it made itself, nothing the attacker made or changed.
    expect(listed.body.data).toHaveLength(1 + compatCreatedByVictim);
    for (const entry of listed.body.data as Array<{ url: string; tenant: string }>) {
      expect(entry.tenant).toBe(victim.id);
      expect(entry.url).not.toMatch(/attacker|stolen|hijacked/);
    }
    const events = await fleet.call('GET', '/v1/events', undefined, victim.api_key);
    expect(events.body.data.map((entry: { id: string }) => entry.id)).toEqual([fixtures.event]);
    // The recover the victim itself started is the only extra attempt its endpoint ever saw.
    expect(receiver.forPath(`/${marker}`).length).toBeLessThanOrEqual(2);
    expect(receiver.forPath('/stolen')).toHaveLength(0);
    expect(receiver.forPath('/hijacked')).toHaveLength(0);
  });
});
