import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor, sha256Hex, type Subscription } from '@hookfleet/core';
import { Keys, SubscriptionStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { scanKeys } from '../../../test/redis.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from './compat-auth.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/**
 * `DELETE /v1/tenants/:id` on a fleet with a worker and real receivers: every use of the tenant ends, its
 * subscriptions' pending deliveries end as a deleted subscription's do, and nothing of another tenant changes.
 */
describe('deleting a tenant', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let keys: Keys;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/down' ? 500 : 200 })).start();
    fleet = await startFleet();
    keys = new Keys(fleet.config.prefix);
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const redis = () => fleet.workers[0]!.context.redis;
  const subscribe = async (body: Record<string, unknown>, key: string) => {
    const created = await fleet.call('POST', '/v1/subscriptions', body, key);
    expect(created.status).toBe(201);
    return created.body as Subscription;
  };
  const publish = async (tenant: string, id: string, type: string) => {
    const published = await fleet.call('POST', '/v1/events', { tenant, id, profile: 'standard', type, data: {} });
    expect(published.status).toBe(202);
  };
  const deliveryStatus = async (eventId: string, subscriptionId: string) => (await fleet.call('GET', `/v1/deliveries/${deliveryIdFor(eventId, subscriptionId)}`)).body?.status;
  /** What each credential of a tenant gets: its keys on its own subscriptions, its portal link, its published keys. */
  const access = async (tenant: string, credentials: string[]) => ({
    credentials: await Promise.all(credentials.map(async (credential) => (await fleet.call('GET', '/v1/subscriptions', undefined, credential)).status)),
    jwks: (await fleet.call('GET', `/v1/tenants/${tenant}/signing-keys`, undefined, null)).status,
    wellKnown: (await fleet.call('GET', `/.well-known/hookfleet/${tenant}/jwks.json`, undefined, null)).status,
    tenant: (await fleet.call('GET', `/v1/tenants/${tenant}`)).status,
  });

  it('ends its keys, portal links and JWKS at once, ends its deliveries, and leaves another tenant as it was', async () => {
    const leaving = await fleet.createTenant('leaving');
    const staying = await fleet.createTenant('staying');
    // Two working keys: the current one and the rotated-out one.
    const rotated = await fleet.call('POST', `/v1/tenants/${leaving.id}/api-key/rotate`, { previous_key_expires_in: 600 });
    const leavingKeys = [leaving.api_key, rotated.body.api_key as string];
    // A retry due in 3 s (RETRY_DELAY_SCALE 0.001), signed with the tenant's v1a key pair.
    const http = await subscribe({ url: receiver.url('/down'), events: ['leave.*'], signature: 'v1a', retry: { delays_seconds: [3000, 3000] } }, leaving.api_key);
    const poll = await subscribe({ destination: { type: 'poll' }, events: ['leave.*'] }, leaving.api_key);
    const paymo = await fleet.call('POST', '/paymo/api/hooks', { target_url: receiver.url('/paymo'), event: 'model.insert.Task' }, null, providerAuth.paymo(leaving.api_key));
    expect(paymo.status).toBe(201);
    const portal = tokenOf((await fleet.call('POST', '/v1/portal-sessions', {}, leaving.api_key)).body.url);
    const neighbour = await subscribe({ url: receiver.url('/neighbour'), events: ['stay.*'], signature: 'v1a' }, staying.api_key);
    const neighbourPortal = tokenOf((await fleet.call('POST', '/v1/portal-sessions', {}, staying.api_key)).body.url);

    await publish(leaving.id, 'leave-1', 'leave.now');
    await waitFor(async () => (await deliveryStatus('leave-1', http.id)) === 'failed', { message: 'the first attempt failed and a retry is due' });
    expect(await deliveryStatus('leave-1', poll.id)).toBe('pending');
    expect(await redis().exists(keys.pollLog(poll.id))).toBe(1);
    expect(await access(leaving.id, [...leavingKeys, portal])).toEqual({ credentials: [200, 200, 200], jwks: 200, wellKnown: 200, tenant: 200 });

    expect((await fleet.call('DELETE', `/v1/tenants/${leaving.id}`)).status).toBe(204);

    expect(await access(leaving.id, [...leavingKeys, portal])).toEqual({ credentials: [401, 401, 401], jwks: 404, wellKnown: 404, tenant: 404 });
    const paymoAfter = await fleet.call('GET', '/paymo/api/hooks', undefined, null, providerAuth.paymo(leaving.api_key));
    expect(paymoAfter.status).toBe(401);
    const listed = await fleet.call('GET', '/v1/tenants?limit=500');
    expect(listed.body.data.map((tenant: { id: string }) => tenant.id)).not.toContain(leaving.id);
    expect(listed.body.data.map((tenant: { id: string }) => tenant.id)).toContain(staying.id);
    // Nothing new for it: no event (400 at `tenant`, as an unknown tenant's), no subscription, no portal link.
    const refusedEvent = await fleet.call('POST', '/v1/events', { tenant: leaving.id, profile: 'standard', type: 'leave.again', data: {} });
    expect(refusedEvent).toMatchObject({ status: 400, body: { issues: [{ path: 'tenant', message: `unknown tenant ${leaving.id}` }] } });
    expect((await fleet.call('POST', '/v1/subscriptions', { tenant: leaving.id, url: receiver.url('/late'), events: ['leave.*'] })).status).toBe(400);
    expect((await fleet.call('POST', '/v1/portal-sessions', { tenant: leaving.id })).status).toBe(400);

    // Its subscriptions are gone as DELETE /v1/subscriptions/:id leaves them: the poll log's waiting message ends dead
    // now, the HTTP retry when its job runs, and the receiver hears nothing more.
    for (const subscription of [http, poll]) expect((await fleet.call('GET', `/v1/subscriptions/${subscription.id}`)).status).toBe(404);
    expect(await deliveryStatus('leave-1', poll.id)).toBe('dead');
    expect(await redis().exists(keys.pollLog(poll.id), keys.pollUnfetched(poll.id))).toBe(0);
    await waitFor(async () => (await deliveryStatus('leave-1', http.id)) === 'dead', { message: 'the pending retry ended dead' });
    expect(receiver.forPath('/down')).toHaveLength(1);
    // The event it published stays until its retention, readable by the operator.
    expect((await fleet.call('GET', '/v1/events/leave-1')).status).toBe(200);

    // Of its own slot only the event index is left, expiring with the retention; its key lookups are gone.
    const left = await scanKeys(redis(), `{${keys.base}:ten:${leaving.id}}*`);
    expect(left).toEqual([keys.tenantEvents(leaving.id)]);
    expect(await redis().pttl(keys.tenantEvents(leaving.id))).toBeGreaterThan(0);
    for (const key of leavingKeys) expect(await redis().exists(keys.apiKey(sha256Hex(key)))).toBe(0);
    expect((await fleet.call('DELETE', `/v1/tenants/${leaving.id}`)).status).toBe(404);

    // The other tenant: its key, portal link, keys, subscription and deliveries as before.
    expect(await access(staying.id, [staying.api_key, neighbourPortal])).toEqual({ credentials: [200, 200], jwks: 200, wellKnown: 200, tenant: 200 });
    expect((await fleet.call('GET', `/v1/subscriptions/${neighbour.id}`, undefined, staying.api_key)).status).toBe(200);
    await publish(staying.id, 'stay-1', 'stay.here');
    await waitFor(async () => (await deliveryStatus('stay-1', neighbour.id)) === 'delivered');
  });

  it('refuses a tenant key, a portal session and another tenant: the operator alone deletes; an unknown tenant is a 404', async () => {
    const tenant = await fleet.createTenant('kept');
    const other = await fleet.createTenant('other');
    const portal = tokenOf((await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key)).body.url);
    for (const credential of [tenant.api_key, other.api_key, portal]) expect((await fleet.call('DELETE', `/v1/tenants/${tenant.id}`, undefined, credential)).status).toBe(403);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, tenant.api_key)).status).toBe(200);
    expect((await fleet.call('DELETE', '/v1/tenants/ten_nobody')).status).toBe(404);
  });

  it('deletes thousands of subscriptions a page at a time, every one of them', async () => {
    const tenant = await fleet.createTenant('large');
    const store = new SubscriptionStore(redis(), keys);
    const template = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/large'), events: ['large.*'] }, tenant.api_key)).body as Subscription;
    const many = 2_500;
    for (let start = 0; start < many; start += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, index) => store.save({ ...template, id: `sub_large${String(start + index).padStart(6, '0')}` })));
    }
    expect(await store.countForTenant(tenant.id)).toBe(many + 1);
    expect((await fleet.call('DELETE', `/v1/tenants/${tenant.id}`)).status).toBe(204);
    expect(await store.countForTenant(tenant.id)).toBe(0);
    const ids = await store.allIds();
    expect(ids.filter((id) => id === template.id || id.startsWith('sub_large'))).toEqual([]);
  });
});

/** `PATCH /v1/tenants/:id`: a new name, checked as on create, by the operator or the tenant itself. */
describe('renaming a tenant', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  it('renames as the operator or the tenant itself, keeps the key working, and refuses what create refuses', async () => {
    const tenant = await fleet.createTenant('before');
    const other = await fleet.createTenant('other');
    const byOperator = await fleet.call('PATCH', `/v1/tenants/${tenant.id}`, { name: '  Acme Corp ' });
    expect(byOperator).toMatchObject({ status: 200, body: { id: tenant.id, name: 'Acme Corp', previous_key_expires_at: null } });
    expect(byOperator.body).not.toHaveProperty('api_key');
    const bySelf = await fleet.call('PATCH', `/v1/tenants/${tenant.id}`, { name: 'Acme' }, tenant.api_key);
    expect(bySelf).toMatchObject({ status: 200, body: { name: 'Acme', created_at: byOperator.body.created_at } });
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, tenant.api_key)).body.name).toBe('Acme');
    expect((await fleet.call('PATCH', `/v1/tenants/${tenant.id}`, { name: 'stolen' }, other.api_key)).status).toBe(404);
    const portal = tokenOf((await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key)).body.url);
    expect((await fleet.call('PATCH', `/v1/tenants/${tenant.id}`, { name: 'portal' }, portal)).status).toBe(403);
    for (const [body, path] of [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{}, 'name'],
      [{ name: 'ok', api_key: 'hfk_mine' }, 'api_key'],
    ] as const) {
      const refused = await fleet.call('PATCH', `/v1/tenants/${tenant.id}`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expect((await fleet.call('PATCH', '/v1/tenants/ten_nobody', { name: 'ghost' })).status).toBe(404);
    // The rotation's record is kept whole: the key still works after the renames.
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).status).toBe(200);
  });
});
