import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/core';
import type { Keys, Redis } from '@hookfleet/store';
import type { TestFleet } from '../../../test/fleet.js';
import { startRefusingFleet, type MidRequestRefusal, type RefusingFleet } from '../../../test/mid-request-refusal.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/**
 * A tenant deletion that Redis starts refusing partway (docs/guarantees.md, "Redis refuses writes"): the DELETE answers
 * 503, nothing of the tenant works any more, and sending it again finishes the job.
 */
describe('a tenant deletion that Redis starts refusing in the middle', () => {
  let setup: RefusingFleet;
  let relay: MidRequestRefusal;
  let admin: Redis;
  let fleet: TestFleet;
  let keys: Keys;

  beforeAll(async () => {
    setup = await startRefusingFleet();
    ({ relay, admin, fleet, keys } = setup);
  });
  afterEach(() => setup.writable());
  afterAll(() => setup.stop());

  /** A tenant with two working keys, three subscriptions (one a poll), a portal link and published signing keys. */
  async function populatedTenant(name: string) {
    const tenant = await fleet.createTenant(name);
    const rotated = await fleet.call('POST', `/v1/tenants/${tenant.id}/api-key/rotate`, { previous_key_expires_in: 600 });
    const subscriptions: Subscription[] = [];
    for (const body of [
      { url: 'http://127.0.0.1:9/a', events: ['a.*'], signature: 'v1a' },
      { url: 'http://127.0.0.1:9/b', events: ['b.*'] },
      { destination: { type: 'poll' }, events: ['c.*'] },
    ]) {
      const created = await fleet.call('POST', '/v1/subscriptions', body, tenant.api_key);
      expect(created.status).toBe(201);
      subscriptions.push(created.body as Subscription);
    }
    const portal = tokenOf((await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key)).body.url);
    return { id: tenant.id, credentials: [tenant.api_key, rotated.body.api_key as string, portal], subscriptions };
  }

  const uses = async (tenant: string, credentials: string[]) => ({
    credentials: await Promise.all(credentials.map(async (credential) => (await fleet.call('GET', '/v1/subscriptions', undefined, credential)).status)),
    jwks: (await fleet.call('GET', `/v1/tenants/${tenant}/signing-keys`, undefined, null)).status,
    tenant: (await fleet.call('GET', `/v1/tenants/${tenant}`)).status,
    listed: ((await fleet.call('GET', '/v1/tenants?limit=500')).body.data as Array<{ id: string }>).some((listed) => listed.id === tenant),
  });

  const afterMark = (keys: Keys, tenant: string) => ([name, , , key]: string[]) => name === 'eval' && key === keys.tenant(tenant);
  const refusals: Array<[string, Refusal, (keys: Keys, tenant: string) => (args: string[]) => boolean]> = [
    // Right after the first write, the mark: the key lookups' DEL passes, the subscriptions' writes are refused.
    ['out of memory right after its record is marked', 'oom', afterMark],
    // The same moment, and the key lookups' DEL is refused too: the mark alone must end the keys.
    ['every write refused right after its record is marked', 'noreplicas', afterMark],
    // One subscription removed, the others not.
    ['out of memory between two of its subscriptions', 'oom', () => ([name]) => name === 'exec'],
  ];

  it.each(refusals)('%s: its keys and portal link fail at once, and the DELETE sent again finishes', async (_label, refusal, trigger) => {
    const tenant = await populatedTenant(`refused ${_label}`);
    const neighbour = await populatedTenant(`neighbour ${_label}`);
    expect(await uses(tenant.id, tenant.credentials)).toEqual({ credentials: [200, 200, 200], jwks: 200, tenant: 200, listed: true });

    relay.after(trigger(keys, tenant.id), refusal);
    const refused = await fleet.call('DELETE', `/v1/tenants/${tenant.id}`);
    expect(relay.fired).toBe(true);
    expect(refused).toMatchObject({ status: 503, body: { code: 'store_unavailable' } });

    // Still refusing writes: nothing of the tenant works, though some of it is still stored.
    expect(await uses(tenant.id, tenant.credentials)).toEqual({ credentials: [401, 401, 401], jwks: 404, tenant: 404, listed: false });
    expect(await admin.exists(keys.tenant(tenant.id))).toBe(1);
    expect(await admin.zcard(keys.tenantSubscriptions(tenant.id))).toBeGreaterThan(0);
    const event = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'a.b', data: {} });
    expect(event).toMatchObject({ status: 400, body: { issues: [{ path: 'tenant' }] } });

    await setup.writable();
    expect((await fleet.call('DELETE', `/v1/tenants/${tenant.id}`)).status).toBe(204);
    expect((await fleet.call('DELETE', `/v1/tenants/${tenant.id}`)).status).toBe(404);
    for (const subscription of tenant.subscriptions) expect(await admin.exists(keys.subscription(subscription.id), keys.pollLog(subscription.id))).toBe(0);
    expect(await admin.keys(`{${keys.base}:ten:${tenant.id}}*`)).toEqual([]);
    expect(await uses(tenant.id, tenant.credentials)).toEqual({ credentials: [401, 401, 401], jwks: 404, tenant: 404, listed: false });

    // The neighbour, written to in the same moments, is whole.
    expect(await uses(neighbour.id, neighbour.credentials)).toEqual({ credentials: [200, 200, 200], jwks: 200, tenant: 200, listed: true });
    const listed = await fleet.call('GET', '/v1/subscriptions', undefined, neighbour.credentials[0]);
    expect(listed.body.data.map((subscription: Subscription) => subscription.id)).toEqual(neighbour.subscriptions.map((subscription) => subscription.id));
  });
});
