import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

interface Element {
  id: string;
  type: string;
  timestamp: string;
  data: { n: number };
}

const elementsOf = (request: ReceivedRequest) => JSON.parse(request.body) as Element[];

/** Verifies a batch the way a receiver would: the whole body, the batch's webhook-id, the subscription's secret. */
function verify(secret: string, request: ReceivedRequest): Element[] {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  }) as Element[];
}

describe('batched deliveries to an HTTP endpoint, on real processes', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // `/once-500` fails its first request, `/twice-500` its first two.
    receiver = await new TestReceiver((request, count) => ({ status: (request.path === '/once-500' && count === 1) || (request.path === '/twice-500' && count <= 2) ? 500 : 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.01' });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, type: string, batch: { max_events: number; max_wait_ms: number }, extra: Record<string, unknown> = {}) {
    const response = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [type], batch, ...extra }, tenant.api_key);
    expect([response.status, response.body.issues]).toEqual([201, undefined]);
    return response.body as { id: string; secret: string };
  }

  it('delivers 10,000 events in signed batches of at most max_events, each within max_wait_ms of its first event', async () => {
    const maxWaitMs = 500;
    const subscription = await subscribe('/bulk', 'bulk.created', { max_events: 100, max_wait_ms: maxWaitMs });
    for (let offset = 0; offset < 10_000; offset += 500) {
      const events = Array.from({ length: 500 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'bulk.created', data: { n: offset + index } }));
      expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    }
    const count = () => receiver.forPath('/bulk').reduce((sum, request) => sum + elementsOf(request).length, 0);
    await waitFor(() => count() >= 10_000, { message: '10,000 batched events', timeoutMs: 120_000 });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000 });
    const requests = receiver.forPath('/bulk');
    const numbers = new Set<number>();
    const ids = new Set<string>();
    let lateBy = 0;
    for (const request of requests) {
      const elements = verify(subscription.secret, request);
      expect(elements.length).toBeGreaterThan(0);
      expect(elements.length).toBeLessThanOrEqual(100);
      expect(String(request.headers['webhook-id'])).toMatch(/^batch_/);
      for (const element of elements) {
        numbers.add(element.data.n);
        ids.add(element.id);
      }
      // The first event of the batch was accepted at its `timestamp` (occurred_at defaults to acceptance).
      const firstAt = Math.min(...elements.map((element) => Date.parse(element.timestamp)));
      lateBy = Math.max(lateBy, request.at - firstAt - maxWaitMs);
    }
    expect(numbers.size).toBe(10_000);
    expect(ids.size).toBe(10_000);
    // Generous: on a loaded 2-core machine a full batch may queue behind others (throughput, not the wait rule).
    expect(lateBy).toBeLessThan(15_000);
    // Batches were full or close to it: far fewer POSTs than events.
    expect(requests.length).toBeLessThan(10_000 / 50);
  });

  it('gathers events published one by one into one batch while its first waits', async () => {
    const subscription = await subscribe('/gathered', 'gather.created', { max_events: 10, max_wait_ms: 3_000 });
    for (let n = 0; n < 3; n += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'gather.created', data: { n } })).status).toBe(202);
    }
    await waitFor(() => receiver.forPath('/gathered').length >= 1, { message: 'the batch' });
    const [request] = receiver.forPath('/gathered');
    expect(verify(subscription.secret, request as ReceivedRequest).map((element) => element.data.n).sort()).toEqual([0, 1, 2]);
  });

  it('retries a batch that got a 500 whole: the same members under the same batch id, each attempt in every member’s log', async () => {
    const subscription = await subscribe('/once-500', 'retry.created', { max_events: 50, max_wait_ms: 200 }, { retry: { delays_seconds: [10] } });
    const events = Array.from({ length: 20 }, (_, n) => ({ tenant: tenant.id, profile: 'standard', type: 'retry.created', data: { n } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(() => receiver.forPath('/once-500').length >= 2, { message: 'the batch and its retry', timeoutMs: 30_000 });
    const [first, second] = receiver.forPath('/once-500') as [ReceivedRequest, ReceivedRequest];
    const members = (request: ReceivedRequest) => verify(subscription.secret, request).map((element) => element.id).sort();
    expect(members(first)).toHaveLength(20);
    expect(members(second)).toEqual(members(first));
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const deliveryId = members(first)[0] as string;
    const delivery = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      return response.body.status === 'delivered' ? response.body : null;
    });
    expect(delivery.attempts).toBe(2);
    const log = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/attempts?limit=100`, undefined, tenant.api_key);
      return response.body.data.length >= 40 ? (response.body.data as Array<{ delivery_id: string; attempt: number; status_code: number; batch_id: string }>) : null;
    });
    const ofMember = log.filter((entry) => entry.delivery_id === deliveryId).map((entry) => [entry.attempt, entry.status_code, entry.batch_id]);
    expect(ofMember.sort()).toEqual([
      [1, 500, first.headers['webhook-id']],
      [2, 200, first.headers['webhook-id']],
    ]);
  });

  it('recovers dead deliveries in batches of max_events, not a POST each', async () => {
    const subscription = await subscribe('/twice-500', 'recover.created', { max_events: 5, max_wait_ms: 100 }, { retry: { delays_seconds: [1], max_attempts: 1 } });
    const events = Array.from({ length: 6 }, (_, n) => ({ tenant: tenant.id, profile: 'standard', type: 'recover.created', data: { n } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    const dead = async () => (await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key)).body.data.length;
    await waitFor(async () => (await dead()) === 6, { message: 'six dead after one attempt each', timeoutMs: 20_000 });
    expect(receiver.forPath('/twice-500')).toHaveLength(2);
    expect((await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since: '10m' }, tenant.api_key)).status).toBe(202);
    const delivered = async () => (await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered`, undefined, tenant.api_key)).body.data.length;
    await waitFor(async () => (await delivered()) === 6, { message: 'six delivered once recovered', timeoutMs: 20_000 });
    const recovered = receiver.forPath('/twice-500').slice(2);
    expect(recovered.map((request) => verify(subscription.secret, request).length).sort()).toEqual([1, 5]);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'no job left' });
  });
});
