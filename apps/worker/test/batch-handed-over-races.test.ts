// Batch members handed over at acceptance (docs/delivery.md, "Batches") have no record until their batch is settled.
// What reaches such a member meanwhile must still find it on its way: its subscription changed, or a replay of its
// event. Each member goes out once, or ends as its subscription's new settings say, with its record.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';

const elementIds = (requests: readonly ReceivedRequest[]) => requests.flatMap((request) => (JSON.parse(request.body) as Array<{ id: string }>).map((element) => element.id));

describe('batch members handed over at acceptance, reached before their record exists', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.001' }, { workers: 0 });
    tenant = await fleet.createTenant();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
    fleet.workers.splice(0);
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, type: string, maxEvents: number) {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [type], batch: { max_events: maxEvents, max_wait_ms: 100 } }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  }

  const publish = (type: string, ids: readonly string[]) =>
    fleet.call('POST', '/v1/events/batch', { events: ids.map((id, index) => ({ tenant: tenant.id, profile: 'standard', type, id, data: { index } })) });

  async function startTheWorker(roles: string) {
    const worker = await startWorker({ ...fleet.config, workerRoles: roles.split(',') as Array<'matcher' | 'delivery'> }, pino({ level: 'silent' }));
    workers.push(worker);
    fleet.workers.splice(0, fleet.workers.length, worker);
  }

  /** Five events handed over to a new batching subscription (batches of 2), then `change` made to it, then a worker. */
  async function handOverThenChange(kind: string, name: string, change: object) {
    const path = `/${kind}-${name.replace(/ /g, '-')}`;
    const type = `race.${name.replace(/ /g, '-')}`;
    const subscriptionId = await subscribe(path, type, 2);
    const eventIds = [0, 1, 2, 3, 4].map((index) => `${type}-${index}`);
    expect((await publish(type, eventIds)).status).toBe(202);
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${subscriptionId}`, change, tenant.api_key);
    expect([patched.status, patched.body.issues]).toEqual([200, undefined]);
    await startTheWorker('matcher,delivery');
    return { path, subscriptionId, eventIds };
  }

  const drained = () => waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'every job finished' });

  it('a replay of events whose handed-over members are still pending sends them once, as it does a pending delivery', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const subscriptionId = await subscribe('/replayed', 'race.replay', 5);
    const eventIds = ['race-replay-0', 'race-replay-1', 'race-replay-2', 'race-replay-3', 'race-replay-4'];
    expect((await publish('race.replay', eventIds)).status).toBe(202);
    // The replay runs (matcher role) while the batch job the API added still waits for a delivery worker.
    await startTheWorker('matcher');
    const started = await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await waitFor(async () => (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body.status === 'done', { message: 'replay done' });
    await startTheWorker('matcher,delivery');
    await waitFor(() => elementIds(receiver.forPath('/replayed')).length >= 5, { message: 'the members sent' });
    await drained();
    expect(elementIds(receiver.forPath('/replayed')).sort()).toEqual(eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId)).sort());
  }, 60_000);

  it.each([
    ['its batch removed', { batch: null }],
    ['made ordered', { batch: null, ordered: true }],
    ['given a delay', { delay_seconds: 1 }],
    ['rate-limited', { rate_limit: { per_second: 2 } }],
    ['its filter changed', { filter: { 'data.index': { $gt: 100 } } }],
  ])('a subscription %s after the API handed its events over sends each once', async (name, change) => {
    const { path, subscriptionId, eventIds } = await handOverThenChange('changed', name, change);
    const expected = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId)).sort();
    const sent = () => receiver.forPath(path).flatMap((request) => {
      const body = JSON.parse(request.body) as { id: string } | Array<{ id: string }>;
      return Array.isArray(body) ? body.map((element) => element.id) : [request.headers['webhook-id'] as string];
    });
    await waitFor(() => sent().length >= 5, { timeoutMs: 20_000, message: 'the members sent' });
    await drained();
    expect(sent().sort()).toEqual(expected);
    const states = await (workers[0] as RunningWorker).context.deliveries.states(expected);
    expect(states.map((state) => state?.status)).toEqual(expected.map(() => 'delivered'));
  }, 60_000);

  it.each([
    ['switched to poll', 'pending', { batch: null, destination: { type: 'poll' } }],
    ['disabled', 'dead', { active: false }],
  ])('a subscription %s after the API handed its events over sends none, and each member ends %s with its record', async (name, status, change) => {
    const { path, subscriptionId, eventIds } = await handOverThenChange('stopped', name, change);
    const expected = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));
    const { deliveries } = (workers[0] as RunningWorker).context;
    await waitFor(async () => (await deliveries.states(expected)).every((state) => state?.status === status), { timeoutMs: 20_000, message: `every member ${status}` });
    await drained();
    expect(receiver.forPath(path)).toEqual([]);
    for (const [index, eventId] of eventIds.entries()) {
      const record = await deliveries.get(expected[index] as string);
      expect([record?.event_id, record?.subscription_id, record?.status]).toEqual([eventId, subscriptionId, status]);
    }
  }, 60_000);
});
