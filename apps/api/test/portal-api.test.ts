import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { PORTAL_COOKIE, PORTAL_CSP, PortalTokens } from '../src/portal/index.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');
const portalHeaders = { 'x-hookfleet-portal': '1' };

describe('portal sessions on the API', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let other: { id: string; api_key: string };
  const subscriptionIds: Record<string, string> = {};

  const createSubscription = async (name: string, extra: Record<string, unknown> = {}) => {
    const response = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${name}`), events: ['portal.*'], ...extra }, tenant.api_key);
    expect(response.status).toBe(201);
    subscriptionIds[name] = response.body.id;
    return response.body.id as string;
  };
  const session = async (body: unknown, key = tenant.api_key) => {
    const response = await fleet.call('POST', '/v1/portal-sessions', body, key);
    expect(response.status).toBe(201);
    return tokenOf(response.body.url);
  };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path === '/c' ? { status: 500 } : { status: 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
    tenant = await fleet.createTenant('portal-acme');
    other = await fleet.createTenant('portal-other');
    for (const name of ['a', 'b', 'c']) await createSubscription(name);
    await createSubscription('alice', { created_by: 'alice' });
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('answers a tenant key with a link to /portal holding a token that lasts an hour', async () => {
    const response = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    expect(response.status).toBe(201);
    expect(response.body.url).toMatch(new RegExp(`^${fleet.api.url}/portal/#token=hfp_[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    const expiresIn = Date.parse(response.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
  });

  it('lets the operator open one for a named tenant, and checks tenant and subscriptions', async () => {
    expect((await fleet.call('POST', '/v1/portal-sessions', {})).status).toBe(400);
    expect((await fleet.call('POST', '/v1/portal-sessions', { tenant: 'ten_nobody' })).body.issues[0].path).toBe('tenant');
    expect((await fleet.call('POST', '/v1/portal-sessions', { tenant: tenant.id })).status).toBe(201);
    const foreign = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptionIds.a] }, other.api_key);
    expect(foreign.status).toBe(400);
    expect(foreign.body.issues).toEqual([{ path: 'subscriptions.0', message: expect.stringContaining('unknown subscription') }]);
    expect((await fleet.call('POST', '/v1/portal-sessions', { tenant: other.id }, tenant.api_key)).status).toBe(400);
    expect((await fleet.call('POST', '/v1/portal-sessions', { expires_in: 10 * 86400 }, tenant.api_key)).status).toBe(400);
  });

  it('works on the same routes, inside its subscriptions only: the rest is a 404', async () => {
    const token = await session({ subscriptions: [subscriptionIds.a, subscriptionIds.b] });
    const list = await fleet.call('GET', '/v1/subscriptions', undefined, token);
    expect(list.status).toBe(200);
    expect(list.body.data.map((subscription: { id: string }) => subscription.id).sort()).toEqual([subscriptionIds.a, subscriptionIds.b].sort());
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionIds.a}`, undefined, token)).status).toBe(200);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionIds.a}/stats`, undefined, token)).body).toMatchObject({ window_hours: 24, attempts: 0 });
    const c = subscriptionIds.c as string;
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'portal.ping', id: 'portal-c-1', data: {} });
    const deliveryId = await waitFor(
      async () => (await fleet.call('GET', `/v1/deliveries?subscription=${c}`, undefined, tenant.api_key)).body.data[0]?.id as string | undefined,
    );
    const operation = await fleet.call('POST', `/v1/subscriptions/${c}/recover`, { since: '1h' }, tenant.api_key);
    const refused: Array<[string, string, unknown?]> = [
      ['GET', `/v1/subscriptions/${c}`],
      ['PATCH', `/v1/subscriptions/${c}`, { active: false }],
      ['DELETE', `/v1/subscriptions/${c}`],
      ['POST', `/v1/subscriptions/${c}/rotate-secret`, {}],
      ['GET', `/v1/subscriptions/${c}/secret`],
      ['GET', `/v1/subscriptions/${c}/attempts`],
      ['GET', `/v1/subscriptions/${c}/stats`],
      ['POST', `/v1/subscriptions/${c}/test`, {}],
      ['POST', `/v1/subscriptions/${c}/recover`, { since: '1h' }],
      ['POST', `/v1/subscriptions/${c}/replay`, { since: '1h' }],
      ['GET', `/v1/deliveries?subscription=${c}`],
      ['GET', `/v1/deliveries/${deliveryId}`],
      ['POST', `/v1/deliveries/${deliveryId}/retry`],
      ['GET', `/v1/operations/${operation.body.operation_id}`],
    ];
    for (const [method, path, body] of refused) {
      const response = await fleet.call(method, path, body, token);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    expect((await fleet.call('GET', `/v1/subscriptions/${c}`, undefined, tenant.api_key)).body.active).toBe(true);
    expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/new'), events: ['*'] }, token)).status).toBe(403);
  });

  it('leaves the signing secret out of every answer but the one that reveals it (and the rotation that makes it)', async () => {
    const token = await session({ subscriptions: [subscriptionIds.b] });
    const b = subscriptionIds.b as string;
    const stored = (await fleet.call('GET', `/v1/subscriptions/${b}`, undefined, tenant.api_key)).body as { secret: string; previous_secret_expires_at: string | null };
    expect(stored.secret).toMatch(/^whsec_/);
    const listed = (await fleet.call('GET', '/v1/subscriptions', undefined, token)).body.data as Array<{ secret: string | null }>;
    expect(listed.map((subscription) => subscription.secret)).toEqual([null]);
    expect((await fleet.call('GET', `/v1/subscriptions/${b}`, undefined, token)).body.secret).toBeNull();
    expect((await fleet.call('PATCH', `/v1/subscriptions/${b}`, { description: 'renamed' }, token)).body.secret).toBeNull();
    expect((await fleet.call('GET', `/v1/subscriptions/${b}/secret`, undefined, token)).body).toEqual({ secret: stored.secret, previous_secret_expires_at: stored.previous_secret_expires_at });
    const rotated = await fleet.call('POST', `/v1/subscriptions/${b}/rotate-secret`, {}, token);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(stored.secret);
  });

  it('keeps a session narrowed to a creator to that creator, also for what it creates', async () => {
    const token = await session({ created_by: 'alice' });
    const list = await fleet.call('GET', '/v1/subscriptions', undefined, token);
    expect(list.body.data.map((subscription: { id: string }) => subscription.id)).toEqual([subscriptionIds.alice]);
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/alice-2'), events: ['*'] }, token);
    expect(created.status).toBe(201);
    expect(created.body.created_by).toBe('alice');
    const mismatch = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/bob'), events: ['*'], created_by: 'bob' }, token);
    expect(mismatch.status).toBe(400);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionIds.a}`, undefined, token)).status).toBe(404);
  });

  it('leaves metadata, the tenant’s own bookkeeping, to the tenant', async () => {
    const token = await session({});
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscriptionIds.a}`, { metadata: { customer: 'someone-else' } }, token)).status).toBe(403);
    expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/m'), events: ['*'], metadata: { customer: 'x' } }, token)).status).toBe(403);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscriptionIds.a}`, { description: 'set from the portal' }, token)).body.description).toBe(
      'set from the portal',
    );
  });

  it('never reaches operator routes, the event log, nor opens portal sessions itself', async () => {
    const token = await session({});
    for (const [method, path, body] of [
      ['POST', '/v1/tenants', { name: 'x' }],
      ['POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'portal.x', data: {} }],
      ['POST', '/v1/events/batch', { events: [] }],
      ['GET', '/v1/events', undefined],
      ['GET', '/v1/events/portal-c-1', undefined],
      ['POST', '/v1/portal-sessions', {}],
    ] as const) {
      expect({ path, status: (await fleet.call(method, path, body, token)).status }).toEqual({ path, status: 403 });
    }
    // The compat routes take tenant keys in their providers' styles; a portal token is not one.
    expect((await fleet.call('GET', '/paymo/api/hooks', undefined, token)).status).toBe(401);
  });

  it('refuses an expired, a forged and another fleet’s token with a 401', async () => {
    const expired = new PortalTokens(ADMIN_TOKEN).mint({ tenantId: tenant.id, subscriptionIds: null, createdBy: null }, 60, Date.now() - 2 * 3600_000).token;
    const otherFleet = new PortalTokens('another-fleet-admin-token').mint({ tenantId: tenant.id, subscriptionIds: null, createdBy: null }).token;
    const valid = await session({}, other.api_key);
    const [body, signature] = valid.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body.slice(4), 'base64url').toString('utf8'));
    const forged = `hfp_${Buffer.from(JSON.stringify({ ...claims, tid: tenant.id })).toString('base64url')}.${signature}`;
    const gone = new PortalTokens(ADMIN_TOKEN).mint({ tenantId: 'ten_deleted', subscriptionIds: null, createdBy: null }).token;
    for (const token of [expired, otherFleet, forged, gone, `${valid}x`, 'hfp_garbage']) {
      const response = await fleet.call('GET', '/v1/subscriptions', undefined, token);
      expect(response.status).toBe(401);
      expect(response.body.data).toBeUndefined();
    }
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, valid)).body.data).toEqual([]);
  });

  it('exchanges a portal link for an HttpOnly, SameSite=Strict cookie that only the portal’s pages can use', async () => {
    const token = await session({ subscriptions: [subscriptionIds.a] });
    expect((await fleet.call('POST', '/portal/session', undefined, token)).status).toBe(403);
    const exchanged = await fleet.call('POST', '/portal/session', undefined, token, portalHeaders);
    expect(exchanged.status).toBe(200);
    const cookie = exchanged.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${PORTAL_COOKIE}=hfp_`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const pair = cookie.split(';')[0] as string;
    const withCookie = await fleet.call('GET', '/v1/subscriptions', undefined, null, { cookie: pair, ...portalHeaders });
    expect(withCookie.body.data.map((subscription: { id: string }) => subscription.id)).toEqual([subscriptionIds.a]);
    // Without the portal's header a cookie is not a credential (a form on another origin cannot add it).
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, null, { cookie: pair })).status).toBe(401);
    const who = await fleet.call('GET', '/portal/session', undefined, null, { cookie: pair, ...portalHeaders });
    expect(who.body).toMatchObject({ tenant: { id: tenant.id, name: 'portal-acme' }, subscriptions: [subscriptionIds.a], can_create: false });
    expect((await fleet.call('POST', '/portal/session', undefined, 'hfp_forged.x', portalHeaders)).status).toBe(401);
  });

  it('opens the portal for a tenant key or the operator with a cookie that holds a portal token, never the key', async () => {
    const asTenant = await fleet.call('POST', '/portal/session', {}, tenant.api_key, portalHeaders);
    expect(asTenant.status).toBe(200);
    const cookie = asTenant.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^hookfleet_portal=hfp_/);
    expect(cookie).not.toContain(tenant.api_key);
    expect((await fleet.call('POST', '/portal/session', {}, ADMIN_TOKEN, portalHeaders)).status).toBe(400);
    const asOperator = await fleet.call('POST', '/portal/session', { tenant: other.id }, ADMIN_TOKEN, portalHeaders);
    expect(asOperator.body.tenant).toBe(other.id);
    expect((await fleet.call('POST', '/portal/session', {}, 'hfk_wrong', portalHeaders)).status).toBe(401);
  });

  it('serves /portal with a content security policy that allows only its own scripts', async () => {
    const response = await fetch(`${fleet.api.url}/portal/endpoints/anything`);
    await response.text();
    expect(response.headers.get('content-security-policy')).toBe(PORTAL_CSP);
    expect(PORTAL_CSP).toContain("script-src 'self'");
    expect(PORTAL_CSP).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});
