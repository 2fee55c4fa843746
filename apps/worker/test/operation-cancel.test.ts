import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import { pino } from 'pino';
import { OPERATIONS_QUEUE, sharedQueuePlace, type OperationJobData } from '@hookfleet/queue';
import { OperationStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { testQueueConnection } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import { createOperationProcessor } from '../src/operations.js';
import { publishNumbered, range } from './numbered-events.js';

/** What a test does when the replay under test writes its progress or ends (the store's own write happens first). */
interface Hooks {
  onProgress?(operationId: string, done: number): Promise<void>;
  beforeEnd?(operationId: string, status: string): Promise<void>;
}

/**
 * POST /v1/operations/:id/cancel stops a replay between two chunks (apps/worker/src/operations.ts): what was enqueued
 * before goes out, nothing after it; the record reads `canceled` with `done` as far as it got, and one log line says so.
 * The replay is held at a chosen chunk by the test's own operations worker, so the cancel lands midway every time.
 */
describe('canceling a replay', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  const queueConnection = testQueueConnection();
  let operationsWorker: Worker<OperationJobData> | undefined;
  let hooks: Hooks = {};
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 200 })).start();
    // Delivery only in the fleet: the operations queue is consumed by this test's worker below; no matcher runs, so
    // the published events are retained and nothing is delivered but what a replay sends.
    fleet = await startFleet({ WORKER_ROLES: 'delivery' });
    tenant = await fleet.createTenant('replay cancel');
    const context = fleet.workers[0]!.context;
    const store = new OperationStore(context.redis, context.keys);
    const hooked = Object.assign(Object.create(store) as OperationStore, {
      async update(id: string, fields: Parameters<OperationStore['update']>[1]) {
        await store.update(id, fields);
        if (fields.done !== undefined) await hooks.onProgress?.(id, fields.done);
      },
      async end(id: string, status: Parameters<OperationStore['end']>[1], error?: string | null) {
        await hooks.beforeEnd?.(id, status);
        return store.end(id, status, error);
      },
    });
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    const place = sharedQueuePlace(fleet.config.prefix, OPERATIONS_QUEUE, fleet.config.partitions);
    operationsWorker = new Worker<OperationJobData>(place.name, createOperationProcessor({ ...context, logger }, hooked), {
      connection: queueConnection.connection,
      prefix: place.prefix,
    });
  });
  afterAll(async () => {
    await operationsWorker?.close();
    await queueConnection.close();
    await fleet.stop();
    await receiver.stop();
  });

  /** A subscription on its own path and `count` retained events of its own type, published before `since`. */
  async function retainedWindow(name: string, count: number): Promise<{ subscriptionId: string; since: string }> {
    const subscription = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${name}`), events: [`${name}.*`] }, tenant.api_key);
    expect(subscription.status).toBe(201);
    const since = new Date(Date.now() - 1000).toISOString();
    for (let offset = 0; offset < count; offset += 500) await publishNumbered(fleet, tenant.id, name, range(offset, Math.min(offset + 500, count)));
    return { subscriptionId: subscription.body.id, since };
  }

  const startReplay = async (subscriptionId: string, since: string): Promise<string> => {
    const started = await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    return started.body.operation_id;
  };
  const cancel = (operationId: string) => fleet.call('POST', `/v1/operations/${operationId}/cancel`, undefined, tenant.api_key);
  const canceledLines = (operationId: string) => logLines.filter((line) => line.msg === 'operation canceled' && line.operation_id === operationId);

  /** Once the operation's job has stopped (its log line written) and every delivery job is done: all it ever sends. */
  async function settled(operationId: string, path: string): Promise<string[]> {
    await waitFor(() => canceledLines(operationId).length > 0, { timeoutMs: 30_000, message: 'the canceled line' });
    const queues = fleet.workers[0]!.context.queues;
    await waitFor(
      async () => {
        const counts = await Promise.all([queues.operations, ...queues.deliveries, ...queues.retries].map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
        return counts.flatMap((count) => Object.values(count)).every((count) => count === 0);
      },
      { timeoutMs: 30_000, message: 'every operation and delivery job done' },
    );
    return receiver.forPath(path).map((request) => String(request.headers['webhook-id']));
  }

  it('stops a replay of 3000 events midway: what was enqueued goes out, nothing after it', async () => {
    const { subscriptionId, since } = await retainedWindow('midway', 3000);
    let held!: (operationId: string) => void;
    const isHeld = new Promise<string>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    hooks = {
      async onProgress(operationId, done) {
        if (done !== 1000) return;
        held(operationId);
        await released;
      },
    };
    const operationId = await startReplay(subscriptionId, since);
    expect(await isHeld).toBe(operationId);

    const canceled = await cancel(operationId);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id: operationId, kind: 'replay', status: 'canceled', total: 3000, done: 1000, subscription_id: subscriptionId, error: null });
    release();

    const ids = await settled(operationId, '/midway');
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect((await fleet.call('GET', `/v1/operations/${operationId}`, undefined, tenant.api_key)).body).toMatchObject({ status: 'canceled', total: 3000, done: 1000 });
    expect(canceledLines(operationId)).toEqual([expect.objectContaining({ kind: 'replay', tenant: tenant.id, subscription_id: subscriptionId, done: 1000, total: 3000 })]);
    // Ended: a second cancel changes nothing.
    const again = await cancel(operationId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
  });

  it('keeps a replay canceled while its worker was dead from going on when it runs again', async () => {
    const { subscriptionId, since } = await retainedWindow('resumed', 1000);
    let died = false;
    hooks = {
      async onProgress(operationId, done) {
        if (died || done !== 600) return;
        died = true;
        // Canceled while no worker runs it; BullMQ runs the job again (its backoff), as after a worker's death.
        expect((await cancel(operationId)).status).toBe(200);
        throw new Error('the worker died here');
      },
    };
    const operationId = await startReplay(subscriptionId, since);
    const ids = await settled(operationId, '/resumed');
    expect(died).toBe(true);
    expect(ids).toHaveLength(600);
    expect(new Set(ids).size).toBe(600);
    expect((await fleet.call('GET', `/v1/operations/${operationId}`, undefined, tenant.api_key)).body).toMatchObject({ status: 'canceled', total: 1000, done: 600, error: null });
    expect(canceledLines(operationId)).toHaveLength(1);
  });

  it('leaves a cancel that races the end canceled, with everything counted, and a finished replay uncancelable', async () => {
    const { subscriptionId, since } = await retainedWindow('racing', 50);
    hooks = {
      async beforeEnd(operationId, status) {
        // The cancel lands after the last chunk, just before the worker ends the operation `done`: it wins.
        if (status === 'done') expect((await cancel(operationId)).status).toBe(200);
      },
    };
    const raced = await startReplay(subscriptionId, since);
    await settled(raced, '/racing');
    expect((await fleet.call('GET', `/v1/operations/${raced}`, undefined, tenant.api_key)).body).toMatchObject({ status: 'canceled', total: 50, done: 50 });
    expect(canceledLines(raced)).toHaveLength(1);

    hooks = {};
    const finished = await startReplay(subscriptionId, since);
    await waitFor(async () => (await fleet.call('GET', `/v1/operations/${finished}`, undefined, tenant.api_key)).body.status === 'done', { message: 'the replay done' });
    const refused = await cancel(finished);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict', error: expect.stringContaining('already ended (done)') });
    expect((await fleet.call('GET', `/v1/operations/${finished}`, undefined, tenant.api_key)).body).toMatchObject({ status: 'done', total: 50, done: 50 });
  });
});
