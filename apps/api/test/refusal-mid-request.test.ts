import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import { DeliveryStore, type Keys, type Redis } from '@hookfleet/store';
import { startWorker, type RunningWorker } from '../../worker/src/worker.js';
import type { TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { startRefusingFleet, type MidRequestRefusal, type RefusingFleet } from '../../../test/mid-request-refusal.js';
import { waitFor } from '../../../test/wait.js';

describe('a management write that Redis starts refusing in the middle', () => {
  let setup: RefusingFleet;
  let relay: MidRequestRefusal;
  let admin: Redis;
  let fleet: TestFleet;
  let keys: Keys;

  beforeAll(async () => {
    setup = await startRefusingFleet({ HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT: '2' });
    ({ relay, admin, fleet, keys } = setup);
  });
  afterEach(() => setup.writable());
  afterAll(() => setup.stop());

  const refusedAnswer = { status: 503, body: { code: 'store_unavailable', error: expect.any(String) } };

  it('creates a tenant whole or not at all', async () => {
    const before = await admin.keys(`{${fleet.config.prefix}:*`);
    relay.after(([name, key]) => name === 'set' && key?.endsWith(':doc') === true && key.includes(':ten:'));
    const refused = await fleet.call('POST', '/v1/tenants', { name: 'half' });
    expect(relay.fired).toBe(true);
    expect(refused).toMatchObject(refusedAnswer);
    expect(refused.headers.get('retry-after')).toBe('5');
    await admin.config('SET', 'maxmemory', '0');
    // Nothing of the refused tenant is left: no record, no key lookup, no index entry.
    expect((await admin.keys(`{${fleet.config.prefix}:*`)).filter((key) => !before.includes(key))).toEqual([]);
    const listed = await fleet.call('GET', '/v1/tenants');
    expect(listed.body.data.map((tenant: { name: string }) => tenant.name)).not.toContain('half');
    const created = await fleet.createTenant('half');
    expect((await fleet.call('GET', `/v1/tenants/${created.id}`, undefined, created.api_key)).status).toBe(200);
  });

  it('leaves no subscription id in the tenant index that no subscription stands behind', async () => {
    const tenant = await fleet.createTenant('limited');
    const subscribe = () => fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.*'] }, tenant.api_key);
    // Right after the script that lists the id (SubscriptionStore.create): its first key is the tenant's list.
    relay.after(([name, , , key]) => name === 'eval' && key === keys.tenantSubscriptions(tenant.id));
    expect(await subscribe()).toMatchObject(refusedAnswer);
    expect(relay.fired).toBe(true);
    await admin.config('SET', 'maxmemory', '0');
    expect(await admin.zrange(keys.tenantSubscriptions(tenant.id), 0, -1)).toEqual([]);
    // The limit (2) counts the subscriptions there are: both can be made after the refused one.
    expect((await subscribe()).status).toBe(201);
    expect((await subscribe()).status).toBe(201);
  });

  it('records no replay that was never started', async () => {
    const tenant = await fleet.createTenant('replays');
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.*'] }, tenant.api_key)).body as { id: string };
    let recorded = false;
    relay.after(([name, key]) => {
      if (name === 'hset' && key?.includes(':op:')) recorded = true;
      return recorded && name === 'exec';
    });
    expect(await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since: '1h' }, tenant.api_key)).toMatchObject(refusedAnswer);
    expect(relay.fired).toBe(true);
    await admin.config('SET', 'maxmemory', '0');
    const operations = await admin.keys(keys.operation('*'));
    const running = await Promise.all(operations.map((key) => admin.hget(key, 'status')));
    expect(running.filter((status) => status === 'running')).toEqual([]);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since: '1h' }, tenant.api_key);
    expect(started.status).toBe(202);
  });

  it('leaves a delivery retry refused after its reset to pending with its attempt still coming', async () => {
    const receiver = await new TestReceiver().start();
    let worker: RunningWorker | undefined;
    try {
      const tenant = await fleet.createTenant('retried');
      const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/retried'), events: ['retried.*'] }, tenant.api_key)).body as { id: string };
      const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'retried.tick', data: {} });
      expect(published.status).toBe(202);
      // No worker runs yet: the event is kept, and its delivery is made dead here, as a spent ladder leaves it.
      const deliveryId = deliveryIdFor(published.body.id, subscription.id);
      const deliveries = new DeliveryStore(admin, keys, 3600);
      await deliveries.createPending([{ id: deliveryId, eventId: published.body.id, subscriptionId: subscription.id }]);
      await deliveries.markDead([{ id: deliveryId, subscriptionId: subscription.id, attempts: 0 }]);

      // Redis takes the reset's first write (the status, pending) and refuses the rest of the request.
      relay.after(([name, key]) => name === 'hset' && key === keys.delivery(deliveryId));
      expect(await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key)).toMatchObject(refusedAnswer);
      expect(relay.fired).toBe(true);
      await setup.writable();

      // Nobody sends the request again: its attempt comes all the same, once.
      worker = await startWorker({ ...fleet.config, workerRoles: ['delivery'] }, pino({ level: 'silent' }));
      await waitFor(async () => (await deliveries.get(deliveryId))?.status === 'delivered', { timeoutMs: 40_000, message: 'the refused retry delivered' });
      expect(receiver.forPath('/retried').map((request) => request.headers['webhook-id'])).toEqual([deliveryId]);
    } finally {
      await worker?.stop();
      await receiver.stop();
    }
  });
});
