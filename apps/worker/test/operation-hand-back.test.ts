import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import { deliveryIdFor } from '@hookfleet/core';
import { OPERATIONS_QUEUE, sharedQueuePlace, type OperationJobData } from '@hookfleet/queue';
import { OperationStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { testQueueConnection } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import type { WorkerContext } from '../src/context.js';
import { createOperationProcessor } from '../src/operations.js';
import { numberedEvent, publishNumbered, range } from './numbered-events.js';

/** An operations worker of this test: told to stop (as `stop()` of worker.ts does) once its operation has `stopAt` done. */
interface OperationsWorker {
  worker: Worker<OperationJobData>;
  /** Every `done` this worker wrote, in order. */
  progress: number[];
  /** Resolves once the worker was told to stop and has closed. */
  closed: Promise<void>;
}

/**
 * A worker told to stop (SIGTERM, a rolling restart) while it runs a long recover or replay hands the job back between
 * two chunks (apps/worker/src/operations.ts) instead of running it to the end into its drain deadline; the next worker
 * goes on from where it got: every delivery sent once, and the operation ends `done` with every event counted.
 */
describe('an operation whose worker is told to stop', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let context: WorkerContext;
  let tenant: { id: string; api_key: string };
  const queueConnection = testQueueConnection();
  const workers: Array<Worker<OperationJobData>> = [];

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 200 })).start();
    // Delivery only in the fleet: the operations queue is consumed by this test's workers; no matcher runs, so the
    // published events are retained and nothing is delivered but what an operation sends.
    fleet = await startFleet({ WORKER_ROLES: 'delivery' });
    context = fleet.workers[0]!.context;
    tenant = await fleet.createTenant('hand back');
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
  });
  afterAll(async () => {
    await queueConnection.close();
    await fleet.stop();
    await receiver.stop();
  });

  function startOperationsWorker(stopAt?: number): OperationsWorker {
    let stopping = false;
    let wasClosed!: () => void;
    const closed = new Promise<void>((resolve) => (wasClosed = resolve));
    const progress: number[] = [];
    const store = new OperationStore(context.redis, context.keys);
    const watched = Object.assign(Object.create(store) as OperationStore, {
      async update(id: string, fields: Parameters<OperationStore['update']>[1]) {
        await store.update(id, fields);
        if (fields.done === undefined) return;
        progress.push(fields.done);
        if (fields.done !== stopAt || stopping) return;
        // What the worker's stop does: the flag first, then its BullMQ workers close, waiting for their running jobs.
        stopping = true;
        void worker.close().then(wasClosed);
      },
    });
    const place = sharedQueuePlace(fleet.config.prefix, OPERATIONS_QUEUE, fleet.config.partitions);
    const worker = new Worker<OperationJobData>(place.name, createOperationProcessor({ ...context, isStopping: () => stopping }, watched), {
      connection: queueConnection.connection,
      prefix: place.prefix,
    });
    workers.push(worker);
    return { worker, progress, closed };
  }

  const operation = async (operationId: string) => (await fleet.call('GET', `/v1/operations/${operationId}`, undefined, tenant.api_key)).body;

  /** Once the operation has ended and every delivery job is done: the webhook-ids its receiver got. */
  async function settled(operationId: string, path: string): Promise<string[]> {
    await waitFor(async () => (await operation(operationId)).status !== 'running', { timeoutMs: 30_000, message: 'the operation ended' });
    await waitFor(
      async () => {
        const counts = await Promise.all([context.queues.operations, ...context.queues.deliveries, ...context.queues.retries].map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
        return counts.flatMap((count) => Object.values(count)).every((count) => count === 0);
      },
      { timeoutMs: 30_000, message: 'every operation and delivery job done' },
    );
    return receiver.forPath(path).map((request) => String(request.headers['webhook-id']));
  }

  it('hands a replay of 3000 events back midway, and the next worker sends the rest, each event once', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/replayed'), events: ['replayed.*'] }, tenant.api_key)).body;
    const since = new Date(Date.now() - 1000).toISOString();
    for (let offset = 0; offset < 3000; offset += 500) await publishNumbered(fleet, tenant.id, 'replayed', range(offset, offset + 500));

    const first = startOperationsWorker(1000);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await first.closed;
    // Closed with the replay still running: it went no further than the chunk it was in when told to stop.
    expect(first.progress.at(-1)).toBe(1000);
    expect(await operation(started.body.operation_id)).toMatchObject({ status: 'running', total: 3000, done: 1000 });

    const second = startOperationsWorker();
    const ids = await settled(started.body.operation_id, '/replayed');
    expect(second.progress[0]).toBe(1000);
    expect(await operation(started.body.operation_id)).toMatchObject({ status: 'done', total: 3000, done: 3000, error: null });
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
  });

  it('hands a recover of 1000 dead deliveries back midway, and the next worker counts on from there', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/recovered'), events: ['recovered.*'] }, tenant.api_key)).body;
    const since = new Date(Date.now() - 1000).toISOString();
    // Dead deliveries, as spent ladders leave them: the events are kept (no matcher runs), their records written here.
    const deliveryIds: string[] = [];
    for (let offset = 0; offset < 1000; offset += 500) {
      const events = range(offset, offset + 500).map((index) => numberedEvent(tenant.id, 'recovered', index));
      const published = await fleet.call('POST', '/v1/events/batch', { events });
      expect(published.status).toBe(202);
      const eventIds = (published.body.results as Array<{ id: string }>).map((result) => result.id);
      const records = eventIds.map((eventId) => ({ id: deliveryIdFor(eventId, subscription.id), eventId, subscriptionId: subscription.id }));
      await context.deliveries.createPending(records);
      await context.deliveries.markDead(records.map((record) => ({ id: record.id, subscriptionId: subscription.id, attempts: 0 })));
      deliveryIds.push(...records.map((record) => record.id));
    }

    const first = startOperationsWorker(400);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await first.closed;
    expect(first.progress.at(-1)).toBe(400);
    expect(await operation(started.body.operation_id)).toMatchObject({ status: 'running', total: 1000, done: 400 });

    const second = startOperationsWorker();
    const ids = await settled(started.body.operation_id, '/recovered');
    // It lists only the 600 still dead, and counts them on top of the 400 the first worker sent.
    expect(second.progress[0]).toBe(400);
    expect(await operation(started.body.operation_id)).toMatchObject({ status: 'done', total: 1000, done: 1000, error: null });
    expect(ids).toHaveLength(1000);
    expect(new Set(ids)).toEqual(new Set(deliveryIds));
  });
});
