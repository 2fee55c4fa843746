// What the people watching a batching subscription see of members the API handed over at acceptance
// (docs/delivery.md, "Batches"): the event's deliveries, the delivery list and records, the portal's reads and the
// metrics, before the batch job's first run (no record yet) and after it (records written whole by the settle).
// The worker starts only after the events are published, so the state before its first run can be read.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import { connectRedis, Keys } from '@hookfleet/store';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../../worker/src/worker.js';

const elementIds = (requests: readonly ReceivedRequest[]) => requests.flatMap((request) => (JSON.parse(request.body) as Array<{ id: string }>).map((element) => element.id));
const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');
const portalHeaders = { 'x-hookfleet-portal': '1' };

/** One sample's value in a Prometheus exposition (0 when absent). */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('batch members handed over at acceptance, as people see them', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    // `/fail-first` answers 500 to its first request.
    receiver = await new TestReceiver((request, count) => ({ status: request.path === '/fail-first' && count === 1 ? 500 : 200 })).start();
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    fleet.workers.splice(0, fleet.workers.length);
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, type: string): Promise<string> {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [type], batch: { max_events: 5, max_wait_ms: 200 } }, tenant.api_key);
    expect([created.status, created.body.issues]).toEqual([201, undefined]);
    return (created.body as { id: string }).id;
  }

  async function publish(type: string, count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type, id: `${type}-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    return events.map((event) => event.id);
  }

  async function startTheWorker(): Promise<RunningWorker> {
    worker = await startWorker(fleet.config, pino({ level: 'silent' }));
    fleet.workers.splice(0, fleet.workers.length, worker);
    return worker;
  }

  const drained = () => waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'every job finished' });
  const apiMetrics = async () => (await fetch(`${fleet.api.url}/metrics`)).text();
  const workerMetrics = async (running: RunningWorker) => (await fetch(`http://127.0.0.1:${running.metricsPort}/metrics`)).text();

  it('shows a member pending under its event before the first run, then the same delivery id the receiver saw, with its batch', async () => {
    const subscriptionId = await subscribe('/views', 'hov.views');
    const eventIds = await publish('hov.views', 5);
    const deliveryIds = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));

    // Before the first run: the event lists the member pending; the list and the portal's reads answer, none a 500.
    const before = await fleet.call('GET', `/v1/events/${eventIds[0]}`, undefined, tenant.api_key);
    expect([before.status, before.body.deliveries]).toEqual([200, [{ id: deliveryIds[0], subscription_id: subscriptionId, status: 'pending' }]]);
    const listedBefore = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}`, undefined, tenant.api_key);
    expect(listedBefore.status).toBe(200);
    const session = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptionId] }, tenant.api_key);
    expect(session.status).toBe(201);
    const token = tokenOf(session.body.url as string);
    const portal = (path: string, method = 'GET') => fleet.call(method, path, undefined, token, portalHeaders);
    for (const path of [`/v1/subscriptions/${subscriptionId}`, `/v1/subscriptions/${subscriptionId}/stats`, `/v1/subscriptions/${subscriptionId}/attempts`, `/v1/deliveries?subscription=${subscriptionId}`]) {
      expect([path, (await portal(path)).status]).toEqual([path, 200]);
    }
    const pendingInPortal = await portal(`/v1/deliveries/${deliveryIds[0]}`);
    expect(pendingInPortal.status).toBe(404);

    const running = await startTheWorker();
    await waitFor(() => elementIds(receiver.forPath('/views')).length >= 5, { message: 'the 5 members sent' });
    await drained();
    const [request] = receiver.forPath('/views') as [ReceivedRequest];
    expect(elementIds([request])).toEqual(deliveryIds);
    const batchId = request.headers['webhook-id'];

    // After: the same ids, delivered, each with its attempt and batch.
    const after = await fleet.call('GET', `/v1/events/${eventIds[0]}`, undefined, tenant.api_key);
    expect(after.body.deliveries).toEqual([{ id: deliveryIds[0], subscription_id: subscriptionId, status: 'delivered' }]);
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=100`, undefined, tenant.api_key);
    expect(listed.status).toBe(200);
    expect((listed.body.data as Array<{ id: string; status: string; attempts: number; event_type: string | null; event_received_at: string }>).map((entry) => [entry.id, entry.status, entry.attempts, entry.event_type]).sort()).toEqual(
      deliveryIds.map((id) => [id, 'delivered', 1, 'hov.views']).sort(),
    );
    for (const deliveryId of deliveryIds) {
      const one = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      expect([one.status, one.body.status, one.body.attempts, one.body.next_attempt_at]).toEqual([200, 'delivered', 1, null]);
      expect((await portal(`/v1/deliveries/${deliveryId}`)).status).toBe(200);
    }
    // The attempt log, which the portal reads for a delivery's attempts: one entry a member, each with the batch's id.
    const attempts = await portal(`/v1/subscriptions/${subscriptionId}/attempts`);
    const entries = attempts.body.data as Array<{ delivery_id: string; batch_id?: string; ok: boolean; status_code: number | null }>;
    expect(entries.map((entry) => entry.delivery_id).sort()).toEqual([...deliveryIds].sort());
    expect(entries.every((entry) => entry.ok && entry.batch_id === batchId && entry.status_code === 200)).toBe(true);
    const stats = await portal(`/v1/subscriptions/${subscriptionId}/stats`);
    expect([stats.status, stats.body.attempts, stats.body.succeeded, stats.body.last_status_code]).toEqual([200, 5, 5, 200]);

    // Metrics: made once (by the API), attempted once a member (by the worker), lag and duration observed.
    const [fromApi, fromWorker] = [await apiMetrics(), await workerMetrics(running)];
    const enqueued = sample(fromApi, 'hookfleet_deliveries_enqueued_total') + sample(fromWorker, 'hookfleet_deliveries_enqueued_total');
    expect(enqueued).toBe(5);
    expect(sample(fromWorker, 'hookfleet_delivery_attempts_total', { destination: 'http', outcome: 'success' })).toBe(5);
    expect(sample(fromWorker, 'hookfleet_delivery_lag_seconds_count')).toBe(5);
    expect(sample(fromWorker, 'hookfleet_delivery_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  }, 60_000);
  it('lists one event handed over to a batching subscription and matched to a plain one under both, each with its status', async () => {
    const batching = await subscribe('/both-batch', 'hov.both');
    const plainCreated = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/both-plain'), events: ['hov.both'] }, tenant.api_key);
    const plain = (plainCreated.body as { id: string }).id;
    const [eventId] = (await publish('hov.both', 1)) as [string];
    const before = await fleet.call('GET', `/v1/events/${eventId}`, undefined, tenant.api_key);
    // The plain one has no record either until the matcher runs (no worker yet): only the handed-over one is listed.
    expect(before.body.deliveries).toEqual([{ id: deliveryIdFor(eventId, batching), subscription_id: batching, status: 'pending' }]);
    await startTheWorker();
    await waitFor(() => receiver.forPath('/both-batch').length + receiver.forPath('/both-plain').length >= 2, { message: 'both sent' });
    await drained();
    const after = await fleet.call('GET', `/v1/events/${eventId}`, undefined, tenant.api_key);
    expect(new Set(after.body.deliveries)).toEqual(
      new Set([
        { id: deliveryIdFor(eventId, batching), subscription_id: batching, status: 'delivered' },
        { id: deliveryIdFor(eventId, plain), subscription_id: plain, status: 'delivered' },
      ]),
    );
    expect(elementIds(receiver.forPath('/both-batch'))).toEqual([deliveryIdFor(eventId, batching)]);
    expect(receiver.forPath('/both-plain').map((request) => request.headers['webhook-id'])).toEqual([deliveryIdFor(eventId, plain)]);
  }, 60_000);

  it('lists a member whose payload expired before its batch went out as dead, under status=dead too', async () => {
    const subscriptionId = await subscribe('/expired', 'hov.expired');
    const eventIds = await publish('hov.expired', 3);
    const redis = connectRedis(fleet.config);
    try {
      expect(await redis.del(new Keys(fleet.config.prefix).event(eventIds[0] as string))).toBe(1);
    } finally {
      redis.disconnect();
    }
    await startTheWorker();
    await waitFor(() => elementIds(receiver.forPath('/expired')).length >= 2, { message: 'the 2 others sent' });
    await drained();
    const deadId = deliveryIdFor(eventIds[0] as string, subscriptionId);
    const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&status=dead`, undefined, tenant.api_key);
    expect((dead.body.data as Array<{ id: string; status: string }>).map((entry) => [entry.id, entry.status])).toEqual([[deadId, 'dead']]);
    const all = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}`, undefined, tenant.api_key);
    expect((all.body.data as Array<{ id: string }>).map((entry) => entry.id).sort()).toEqual(eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId)).sort());
    // Dead without an attempt is dead all the same: the counter shows it (docs/guarantees.md).
    expect(sample(await workerMetrics(worker as RunningWorker), 'hookfleet_deliveries_dead_total', { profile: 'standard' })).toBe(1);
  }, 60_000);

  // The subscription's delivery index is scored when a record is made (DeliveryListEntry.event_received_at: the list's
  // order and its since/until window): a handed-over member's is made by its batch's settle, after the receiver has
  // answered, and is scored by its event's received time (packages/store/src/settle-records.ts), not the settle's.
  it('lists a member as received no later than its batch reached the receiver', async () => {
    const requests: number[] = [];
    // A receiver that takes a while to answer (a real server: TestReceiver answers at once).
    const slow = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests.push(Date.now());
        setTimeout(() => response.writeHead(200).end(), 300);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`;
      const created = await fleet.call('POST', '/v1/subscriptions', { url, events: ['hov.slow'], batch: { max_events: 1, max_wait_ms: 0 } }, tenant.api_key);
      const subscriptionId = (created.body as { id: string }).id;
      await publish('hov.slow', 1);
      await startTheWorker();
      await drained();
      const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}`, undefined, tenant.api_key);
      const [entry] = listed.body.data as [{ status: string; event_received_at: string }];
      expect(entry.status).toBe('delivered');
      expect(Date.parse(entry.event_received_at)).toBeLessThanOrEqual(requests[0] as number);
    } finally {
      await new Promise((resolve) => slow.close(resolve));
    }
  }, 60_000);

  it('counts each member once across API and worker when the first run leaves a remainder to the backlog', async () => {
    const subscriptionId = await subscribe('/remainder', 'hov.remainder');
    const enqueuedBefore = sample(await apiMetrics(), 'hookfleet_deliveries_enqueued_total');
    const eventIds = await publish('hov.remainder', 7);
    const running = await startTheWorker();
    await waitFor(() => elementIds(receiver.forPath('/remainder')).length >= 7, { message: 'the 7 members sent' });
    await drained();
    expect(receiver.forPath('/remainder').map((request) => (JSON.parse(request.body) as unknown[]).length)).toEqual([5, 2]);
    const fromWorker = await workerMetrics(running);
    expect(sample(await apiMetrics(), 'hookfleet_deliveries_enqueued_total') - enqueuedBefore + sample(fromWorker, 'hookfleet_deliveries_enqueued_total')).toBe(7);
    expect(sample(fromWorker, 'hookfleet_delivery_attempts_total', { destination: 'http' })).toBe(7);
    expect(sample(fromWorker, 'hookfleet_delivery_lag_seconds_count')).toBe(7);
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=100`, undefined, tenant.api_key);
    expect((listed.body.data as Array<{ id: string; status: string; attempts: number }>).map((entry) => [entry.id, entry.status, entry.attempts]).sort()).toEqual(
      eventIds.map((eventId) => [deliveryIdFor(eventId, subscriptionId), 'delivered', 1]).sort(),
    );
  }, 60_000);

  it('counts a failed batch once a member per attempt, shows its members with both attempts, and retries one from the portal', async () => {
    const subscriptionId = await subscribe('/fail-first', 'hov.fail');
    const eventIds = await publish('hov.fail', 3);
    const deliveryIds = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));
    const running = await startTheWorker();
    await waitFor(() => receiver.forPath('/fail-first').length >= 2, { message: 'the batch failed, then retried' });
    await drained();
    const fromWorker = await workerMetrics(running);
    expect(sample(fromWorker, 'hookfleet_delivery_attempts_total', { destination: 'http', outcome: 'success' })).toBe(3);
    expect(sample(fromWorker, 'hookfleet_delivery_attempts_total', { destination: 'http', status_class: '5xx' })).toBe(3);
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}`, undefined, tenant.api_key);
    expect((listed.body.data as Array<{ id: string; status: string; attempts: number }>).map((entry) => [entry.id, entry.status, entry.attempts]).sort()).toEqual(
      deliveryIds.map((id) => [id, 'delivered', 2]).sort(),
    );
    const session = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptionId] }, tenant.api_key);
    const token = tokenOf(session.body.url as string);
    const attempts = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/attempts`, undefined, token, portalHeaders);
    const [failed, retried] = receiver.forPath('/fail-first') as [ReceivedRequest, ReceivedRequest];
    const entries = attempts.body.data as Array<{ delivery_id: string; attempt: number; ok: boolean; batch_id?: string }>;
    expect(entries.map((entry) => [entry.delivery_id, entry.attempt, entry.ok, entry.batch_id]).sort()).toEqual(
      deliveryIds.flatMap((id) => [[id, 1, false, failed.headers['webhook-id']], [id, 2, true, retried.headers['webhook-id']]]).sort(),
    );
    const retry = await fleet.call('POST', `/v1/deliveries/${deliveryIds[0]}/retry`, undefined, token, portalHeaders);
    expect([retry.status, retry.body.status]).toEqual([202, 'pending']);
    await waitFor(() => receiver.forPath('/fail-first').length >= 3, { message: 'the retried member sent' });
    await drained();
    expect(elementIds(receiver.forPath('/fail-first').slice(2))).toEqual([deliveryIds[0]]);
    const one = await fleet.call('GET', `/v1/deliveries/${deliveryIds[0]}`, undefined, token, portalHeaders);
    expect([one.status, one.body.status, one.body.attempts]).toEqual([200, 'delivered', 3]);
  }, 60_000);
});
