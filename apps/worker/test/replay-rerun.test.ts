import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import { OPERATIONS_QUEUE, sharedQueuePlace, type OperationJobData } from '@hookfleet/queue';
import { OperationStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { testQueueConnection } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import { createOperationProcessor } from '../src/operations.js';

const EVENTS = 1000;

/**
 * A replay whose run ends part-way (its worker died, or an attempt failed) runs again from its job: it goes on
 * after the last event it enqueued, so receivers get the window once, not the part already sent twice.
 */
describe('a replay that runs again after it stopped part-way', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  const queueConnection = testQueueConnection();
  let operationsWorker: Worker<OperationJobData> | undefined;

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 200 })).start();
    // Delivery only in the fleet: the operations queue is consumed by this test's worker below.
    fleet = await startFleet({ WORKER_ROLES: 'delivery' });
  });
  afterAll(async () => {
    await operationsWorker?.close();
    await queueConnection.close();
    await fleet.stop();
    await receiver.stop();
  });

  it('sends every event of the window once, and its progress never goes back', async () => {
    const tenant = await fleet.createTenant('replay rerun');
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/replayed'), events: ['rerun.*'] }, tenant.api_key)).body;
    const since = new Date(Date.now() - 1000).toISOString();
    // No matcher runs: the events are retained and nothing is delivered until the replay.
    const events = Array.from({ length: EVENTS }, (_, index) => ({
      tenant: tenant.id,
      profile: 'standard',
      type: 'rerun.tick',
      id: `rerun-${index}`,
      data: { index },
    }));
    for (let offset = 0; offset < EVENTS; offset += 500)
      expect((await fleet.call('POST', '/v1/events/batch', { events: events.slice(offset, offset + 500) })).status).toBe(202);

    const context = fleet.workers[0]!.context;
    const store = new OperationStore(context.redis, context.keys);
    // The first run stops once 600 events are enqueued, as a worker killed there would; BullMQ runs the job again.
    let stopped = false;
    const progress: number[] = [];
    const stopsOnce = Object.assign(Object.create(store) as OperationStore, {
      async update(id: string, fields: Parameters<OperationStore['update']>[1]) {
        await store.update(id, fields);
        if (fields.done !== undefined) progress.push(fields.done);
        if (!stopped && fields.done === 600) {
          stopped = true;
          throw new Error('the worker died here');
        }
      },
    });
    const place = sharedQueuePlace(fleet.config.prefix, OPERATIONS_QUEUE, fleet.config.partitions);
    operationsWorker = new Worker<OperationJobData>(place.name, createOperationProcessor(context, stopsOnce), {
      connection: queueConnection.connection,
      prefix: place.prefix,
    });

    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    const operation = await waitFor(
      async () => {
        const response = await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key);
        return response.body.status === 'running' ? null : response.body;
      },
      { timeoutMs: 30_000, message: 'the replay ends' },
    );
    expect(stopped).toBe(true);
    expect(operation).toMatchObject({ status: 'done', total: EVENTS, done: EVENTS });

    // Every delivery job done (the events queue keeps its match jobs: no matcher runs), so all that is sent is here.
    await waitFor(
      async () => {
        const counts = await Promise.all(
          [...context.queues.deliveries, ...context.queues.retries].map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
        );
        return counts.flatMap((count) => Object.values(count)).every((count) => count === 0);
      },
      { timeoutMs: 30_000, message: 'every delivery job done' },
    );
    const ids = receiver.forPath('/replayed').map((request) => String(request.headers['webhook-id']));
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});
