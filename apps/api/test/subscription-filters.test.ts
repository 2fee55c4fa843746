import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

describe('payload filters on a real fleet', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  let outage = true;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path === '/outage' && outage ? { status: 503 } : { status: 200 })).start();
    // The whole standard ladder (≈27.6 h) in about 2 s, for the recover case.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const orders = [
    { amount: 50, currency: 'EUR', customer: { tier: 'gold' } },
    { amount: 150, currency: 'EUR', customer: { tier: 'gold' } },
    { amount: 150, currency: 'GBP', customer: { tier: 'gold' } },
    { amount: 500, currency: 'USD' },
    { amount: '900', currency: 'USD', customer: { tier: 'basic' } },
    { amount: 1200, currency: 'GBP', customer: { tier: 'basic' } },
  ];
  const receivedIndexes = (path: string) => receiver.forPath(path).map((request) => (JSON.parse(request.body) as { data: { index: number } }).data.index);

  it('refuses a bad operator or operand with its path, and shows the filter in every answer', async () => {
    const bad = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url('/bad'), events: ['order.*'], filter: { 'data.amount': { $gtt: 5 }, $or: [{ type: { $in: 'order.paid' } }] } },
      tenant.api_key,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.issues).toEqual([
      { path: 'filter.data.amount.$gtt', message: expect.stringContaining('unknown operator $gtt') },
      { path: 'filter.$or.0.type.$in', message: '$in needs an array of values' },
    ]);
    const plain = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/plain'), events: ['order.*'] }, tenant.api_key);
    expect(plain.body.filter).toBeNull();
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { filter: { type: 'order.paid' } }, tenant.api_key);
    expect(patched.body.filter).toEqual({ type: 'order.paid' });
    const badPatch = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { filter: { 'data.x': { $exists: 'yes' } } }, tenant.api_key);
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.issues).toEqual([{ path: 'filter.data.x.$exists', message: '$exists needs true or false' }]);
    // A "__proto__" key, an own key once parsed, was dropped by the copy the schema made: a filter that took every event.
    const prototypeKey = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { filter: JSON.parse('{"__proto__":{"data.x":1}}') }, tenant.api_key);
    expect(prototypeKey.status).toBe(400);
    expect(prototypeKey.body.issues).toEqual([{ path: 'filter.__proto__', message: expect.stringContaining('a path is type, data or actor') }]);
    const removed = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { filter: null }, tenant.api_key);
    expect(removed.body.filter).toBeNull();
    expect((await fleet.call('GET', `/v1/subscriptions/${plain.body.id}`, undefined, tenant.api_key)).body.filter).toBeNull();
  });

  it('delivers only the events the filter takes, live and on replay', async () => {
    const filter = { 'data.amount': { $gte: 100 }, $or: [{ 'data.currency': { $in: ['EUR', 'USD'] } }, { 'data.customer.tier': 'basic' }] };
    const filtered = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/filtered'), events: ['order.*'], filter }, tenant.api_key)).body;
    const everything = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/everything'), events: ['order.*'] }, tenant.api_key)).body;
    expect(filtered.filter).toEqual(filter);
    const since = new Date(Date.now() - 1000).toISOString();
    const events = orders.map((data, index) => ({ tenant: tenant.id, profile: 'standard', type: 'order.paid', id: `order-${index}`, data: { index, ...data } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(() => receiver.forPath('/everything').length === orders.length, { message: 'every order to the unfiltered endpoint' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    // 0: under 100; 2: GBP and gold; 4: a string amount is no match for a number.
    expect(receivedIndexes('/filtered').sort()).toEqual([1, 3, 5]);

    // Replay matches again with the filter as it is now: only what the new filter takes is sent.
    await fleet.call('PATCH', `/v1/subscriptions/${filtered.id}`, { filter: { 'data.currency': 'GBP' } }, tenant.api_key);
    const started = await fleet.call('POST', `/v1/subscriptions/${filtered.id}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    const operation = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key);
      return response.body.status === 'done' ? response.body : null;
    });
    expect(operation).toMatchObject({ kind: 'replay', total: 2, done: 2 });
    await waitFor(() => receiver.forPath('/filtered').length === 5, { message: 'two replayed' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receivedIndexes('/filtered').slice(3).sort()).toEqual([2, 5]);
    expect(receiver.forPath('/everything')).toHaveLength(orders.length);
    expect(everything.filter).toBeNull();
  });

  it('recovers only the dead deliveries whose events the current filter takes', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/outage'), events: ['outage.*'] }, tenant.api_key)).body;
    const since = new Date(Date.now() - 1000).toISOString();
    const events = Array.from({ length: 6 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'outage.tick', id: `outage-${index}`, data: { index, region: index % 2 ? 'eu' : 'us' } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(
      async () => (await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key)).body.data.length === 6,
      { timeoutMs: 60_000, message: 'six dead deliveries' },
    );
    outage = false;
    const before = receiver.forPath('/outage').length;
    await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { filter: { 'data.region': 'eu' } }, tenant.api_key);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await waitFor(async () => (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body.status === 'done');
    await waitFor(() => receiver.forPath('/outage').length >= before + 3, { message: 'three recovered' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receivedIndexes('/outage').slice(before).sort()).toEqual([1, 3, 5]);
    const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key);
    expect(dead.body.data).toHaveLength(3);
  });
});
