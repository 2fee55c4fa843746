// A batching subscription's events are handed to its batch job by the API at acceptance (packages/queue/src/hand-over.ts):
// no matcher pass and no record until the batch is settled (docs/delivery.md, "Batches"). What a reader of records
// sees must not change: each member ends with a whole record (event, subscription, status, attempts, the
// subscription's delivery index), a pending member is listed under its event before any record exists, a failed
// batch is retried whole with its members' ids, and a member whose job runs again, or whose subscription is gone,
// gets its record made first and ends the usual way.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import { createQueues, type DeliveryJobData, type HookfleetQueues, type QueueConnection } from '@hookfleet/queue';
import { connectRedis, Keys } from '@hookfleet/store';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { testQueueConnection } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';

const elementIds = (requests: readonly ReceivedRequest[]) => requests.flatMap((request) => (JSON.parse(request.body) as Array<{ id: string }>).map((element) => element.id));

describe('batch members handed over at acceptance', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let queueConnection: QueueConnection;
  let queues: HookfleetQueues;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    // `/fail-first` answers 500 to its first request.
    receiver = await new TestReceiver((request, count) => ({ status: request.path === '/fail-first' && count === 1 ? 500 : 200 })).start();
    // No worker until a test has put things as it wants them: then one starts.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.001' }, { workers: 0 });
    tenant = await fleet.createTenant();
    queueConnection = testQueueConnection();
    queues = createQueues(queueConnection.connection, fleet.config.prefix);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await queues.close();
    await queueConnection.close();
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, type: string) {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [type], batch: { max_events: 5, max_wait_ms: 200 } }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  }

  async function publish(type: string, count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type, id: `${type}-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    return events.map((event) => event.id);
  }

  async function batchJobOf(subscriptionId: string) {
    return waitFor(
      async () => (await queues.deliveriesFor(subscriptionId).getJobs(['wait', 'waiting', 'prioritized'])).find((job) => (job?.data as DeliveryJobData | undefined)?.kind === 'batch'),
      { message: 'the batch job the API added' },
    );
  }

  const startTheWorker = async () => {
    worker = await startWorker(fleet.config, pino({ level: 'silent' }));
    fleet.workers.splice(0, fleet.workers.length, worker);
  };

  const drained = () => waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'every job finished' });

  it('lists members as pending before any record, then sends full batches and writes each member a whole record', async () => {
    const subscriptionId = await subscribe('/whole', 'ho.whole');
    const eventIds = await publish('ho.whole', 12);
    const job = await batchJobOf(subscriptionId);
    expect(job.data).toMatchObject({ kind: 'batch', subscriptionId, eventIds, unrecorded: true });
    // Before any worker ran: no record, yet the event lists its delivery as pending.
    const deliveryIds = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));
    expect((await fleet.call('GET', `/v1/deliveries/${deliveryIds[0]}`, undefined, tenant.api_key)).status).toBe(404);
    expect((await fleet.call('GET', `/v1/events/${eventIds[0]}`, undefined, tenant.api_key)).body.deliveries).toEqual([
      expect.objectContaining({ id: deliveryIds[0], subscription_id: subscriptionId, status: 'pending' }),
    ]);

    await startTheWorker();
    await waitFor(() => elementIds(receiver.forPath('/whole')).length >= 12, { message: 'the 12 members sent' });
    await drained();
    // Two full batches at once, the remainder of two once its first member had waited.
    expect(receiver.forPath('/whole').map((request) => (JSON.parse(request.body) as unknown[]).length)).toEqual([5, 5, 2]);
    expect(new Set(elementIds(receiver.forPath('/whole')))).toEqual(new Set(deliveryIds));
    for (const [index, deliveryId] of deliveryIds.entries()) {
      const got = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      expect([got.status, got.body.event_id, got.body.subscription_id, got.body.status, got.body.attempts]).toEqual([200, eventIds[index], subscriptionId, 'delivered', 1]);
    }
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=100`, undefined, tenant.api_key);
    expect(new Set((listed.body.data as Array<{ id: string }>).map((entry) => entry.id))).toEqual(new Set(deliveryIds));
    // The matcher made none of them: its job named the subscription as handed over.
    const { redis, keys } = (worker as RunningWorker).context;
    const payload = (await redis.get(keys.event(eventIds[0] as string))) as string;
    expect(payload.endsWith(`\n+${subscriptionId}`)).toBe(true);
    const attempts = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/attempts`, undefined, tenant.api_key);
    expect((attempts.body.data as Array<{ batch_id?: string; ok: boolean }>).every((entry) => entry.ok && entry.batch_id?.startsWith('batch_'))).toBe(true);
  }, 60_000);

  it('retries a failed handed-over batch whole, its members with records from the failed attempt on', async () => {
    const subscriptionId = await subscribe('/fail-first', 'ho.fail');
    const eventIds = await publish('ho.fail', 5);
    await batchJobOf(subscriptionId);
    await startTheWorker();
    await waitFor(() => receiver.forPath('/fail-first').length >= 2, { message: 'the batch failed, then retried' });
    await drained();
    const [failed, retried] = receiver.forPath('/fail-first') as [ReceivedRequest, ReceivedRequest];
    expect(retried.headers['webhook-id']).toBe(failed.headers['webhook-id']);
    expect(elementIds([retried])).toEqual(elementIds([failed]));
    const deliveryIds = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));
    for (const deliveryId of deliveryIds) {
      const got = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      expect([got.body.status, got.body.attempts, got.body.subscription_id]).toEqual(['delivered', 2, subscriptionId]);
    }
  }, 60_000);

  it('makes the records first when the job runs again, and sends each member once more at most', async () => {
    const subscriptionId = await subscribe('/again', 'ho.again');
    const eventIds = await publish('ho.again', 10);
    const job = await batchJobOf(subscriptionId);
    // As if a worker had started it and died: the next start is its second.
    const redis = connectRedis(fleet.config);
    try {
      await redis.hincrby(queues.deliveriesFor(subscriptionId).toKey(job.id as string), 'ats', 1);
    } finally {
      await redis.quit();
    }
    await startTheWorker();
    await waitFor(() => elementIds(receiver.forPath('/again')).length >= 10, { message: 'the 10 members sent' });
    await drained();
    expect(elementIds(receiver.forPath('/again')).sort()).toEqual(eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId)).sort());
    for (const eventId of eventIds) {
      const got = await fleet.call('GET', `/v1/deliveries/${deliveryIdFor(eventId, subscriptionId)}`, undefined, tenant.api_key);
      expect([got.body.status, got.body.event_id]).toEqual(['delivered', eventId]);
    }
  }, 60_000);

  it('ends a member whose payload is gone before its batch went out dead, with its record, and sends the rest', async () => {
    const subscriptionId = await subscribe('/expired', 'ho.expired');
    const eventIds = await publish('ho.expired', 5);
    await batchJobOf(subscriptionId);
    // As if the first event's payload had expired before any worker ran.
    const redis = connectRedis(fleet.config);
    try {
      expect(await redis.del(new Keys(fleet.config.prefix).event(eventIds[0] as string))).toBe(1);
    } finally {
      await redis.quit();
    }
    await startTheWorker();
    await drained();
    const deliveryIds = eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId));
    expect(elementIds(receiver.forPath('/expired')).sort()).toEqual(deliveryIds.slice(1).sort());
    const expired = await fleet.call('GET', `/v1/deliveries/${deliveryIds[0]}`, undefined, tenant.api_key);
    expect([expired.status, expired.body.status, expired.body.event_id, expired.body.subscription_id]).toEqual([200, 'dead', eventIds[0], subscriptionId]);
  }, 60_000);

  it("ends the members of a subscription deleted before its batch job ran dead, each with its record", async () => {
    const subscriptionId = await subscribe('/deleted', 'ho.deleted');
    const eventIds = await publish('ho.deleted', 5);
    await batchJobOf(subscriptionId);
    expect((await fleet.call('DELETE', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key)).status).toBeLessThan(300);
    await startTheWorker();
    await drained();
    expect(receiver.forPath('/deleted')).toEqual([]);
    const { deliveries } = (worker as RunningWorker).context;
    const states = await deliveries.states(eventIds.map((eventId) => deliveryIdFor(eventId, subscriptionId)));
    expect(states.map((state) => state?.status)).toEqual(eventIds.map(() => 'dead'));
    const record = await deliveries.get(deliveryIdFor(eventIds[0] as string, subscriptionId));
    expect([record?.event_id, record?.subscription_id]).toEqual([eventIds[0], subscriptionId]);
  }, 60_000);
});
