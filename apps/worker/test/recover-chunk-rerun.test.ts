import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Worker } from 'bullmq';
import { deliveryIdFor } from '@hookfleet/core';
import { OPERATIONS_QUEUE, sharedQueuePlace, type OperationJobData } from '@hookfleet/queue';
import { OperationStore } from '@hookfleet/store';
import { startFleet, unfinishedIn, type TestFleet } from '../../../test/fleet.js';
import { createRecordingServer, type ReceivedRequest } from '../../../test/recording-server.js';
import { testQueueConnection } from '../../../test/redis.js';
import { deliveryIdsSent, RefusingRelayFleet, type Refusal } from '../../../test/refusing-relay-fleet.js';
import { closeServer, listenOnFreePort } from '../../../test/server-lifecycle.js';
import { waitFor } from '../../../test/wait.js';
import { createOperationProcessor } from '../src/operations.js';
import { numberedEvent, range } from './numbered-events.js';

const DEAD = 3;

/** A real HTTP receiver that answers each request `status` after `holdMs`, recording it as it arrives. */
class HoldingReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(
    private readonly status: number,
    private readonly holdMs = 0,
  ) {}

  async start(): Promise<this> {
    this.server = createRecordingServer(this.requests, (_received, response) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        response.writeHead(this.status, { 'content-type': 'text/plain' });
        response.end('');
      }, this.holdMs);
      this.timers.add(timer);
    });
    this.port = await listenOnFreePort(this.server);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The delivery ids that reached `path`, once for each time: a batch's members by their `id`, others by webhook-id. */
  deliveryIds(path: string): string[] {
    return deliveryIdsSent(this.requests, path);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await closeServer(this.server, (server) => server.closeAllConnections());
  }
}

/**
 * A recover's chunk run again (docs/guarantees.md, "Redis refuses writes"; docs/operations.md) finds the jobs its first
 * run handed the chunk to, by the operation and the chunk (packages/queue/src/redeliver.ts, attemptChunkAgain), and
 * adds none beside them: each delivery reaches its receiver once.
 */
describe('a recover chunk run again', () => {
  /**
   * A batching subscription's chunk, its reset refused after the first delivery: the rest went to a second job, which
   * sent them while its receiver took its time; the first job's hold ran out meanwhile, it read all three pending and
   * sent them again.
   */
  describe('after Redis refused part of its reset, on a batching subscription whose receiver answers slowly', () => {
    // Each answer held past the first job's hold (HELD_FOR_RESET_MS, 10 s), within the subscription's timeout.
    const relayed = RefusingRelayFleet.forTests({ receiver: () => new HoldingReceiver(200, 12_000) });

    it.each(['noreplicas', 'oom'] as const)('sends each dead delivery once (%s)', async (refusal: Refusal) => {
      const { fleet, deliveries } = relayed;
      const tenant = await fleet.createTenant(`rerun batched ${refusal}`);
      const since = new Date(Date.now() - 1000).toISOString();
      const type = `rb${refusal}`;
      // Published before the subscription exists: matched to nothing, kept for the recover to send.
      const eventIds = await relayed.publishUnmatched(range(0, DEAD).map((index) => numberedEvent(tenant.id, type, index)));
      const path = `/batched-${refusal}`;
      const subscription = await relayed.subscribe(tenant, path, `${type}.*`, { batch: { max_events: 10, max_wait_ms: 0 }, timeout_ms: 30_000 });
      const records = eventIds.map((id) => ({ id: deliveryIdFor(id, subscription.id), eventId: id, subscriptionId: subscription.id }));
      await deliveries.createPending(records);
      await deliveries.markDead(records.map((record) => ({ id: record.id, subscriptionId: subscription.id, attempts: 0 })));
      const deliveryIds = records.map((record) => record.id);

      // Redis takes the first delivery's reset to pending and refuses the writes after it.
      const operationId = await relayed.startRefusedMidway(tenant, { kind: 'recover', subscriptionId: subscription.id, since }, deliveryIds, refusal);
      await relayed.writable();

      await relayed.everyDelivered(deliveryIds, 45_000);
      // Every job done, a first job still held included: all that is sent is here, each delivery once.
      await relayed.expectSentOnceEach(path, deliveryIds, 45_000);
      expect(await relayed.operationEnded(tenant, operationId)).toMatchObject({ status: 'done', error: null });
    });
  });

  /**
   * The chunk's attempts made and failed (the deliveries dead again), then its run ended before its count (its worker
   * died there): run again, it found them dead, as before, and sent them again.
   */
  describe('after its attempts failed again', () => {
    let fleet: TestFleet;
    let receiver: HoldingReceiver;
    const queueConnection = testQueueConnection();
    let operationsWorker: Worker<OperationJobData> | undefined;

    beforeAll(async () => {
      receiver = await new HoldingReceiver(500).start();
      // Delivery only in the fleet: the operations queue is consumed by this test's worker below.
      fleet = await startFleet({ WORKER_ROLES: 'delivery' });
    });
    afterAll(async () => {
      await operationsWorker?.close();
      await queueConnection.close();
      await fleet.stop();
      await receiver.stop();
    });

    it.each([
      ['a job a delivery', undefined],
      ['batching', { max_events: 10, max_wait_ms: 0 }],
    ] as const)('gives each delivery one more attempt, not two (%s)', async (label, batch) => {
      const tenant = await fleet.createTenant(`rerun failed ${label}`);
      const type = batch ? 'rfb' : 'rfs';
      const path = `/failing-${type}`;
      const since = new Date(Date.now() - 1000).toISOString();
      const context = fleet.workers[0]!.context;
      // Published before the subscription exists: matched to nothing, kept for the recover to send.
      const published = await fleet.call('POST', '/v1/events/batch', { events: range(0, DEAD).map((index) => numberedEvent(tenant.id, type, index)) });
      expect(published.status).toBe(202);
      const created = await fleet.call(
        'POST',
        '/v1/subscriptions',
        { url: receiver.url(path), events: [`${type}.*`], ...(batch ? { batch } : {}) },
        tenant.api_key,
      );
      expect([created.status, created.body.issues]).toEqual([201, undefined]);
      const subscription = created.body as { id: string };
      const records = (published.body.results as Array<{ id: string }>).map(({ id }) => ({
        id: deliveryIdFor(id, subscription.id),
        eventId: id,
        subscriptionId: subscription.id,
      }));
      await context.deliveries.createPending(records);
      await context.deliveries.markDead(records.map((record) => ({ id: record.id, subscriptionId: subscription.id, attempts: 0 })));
      const ids = records.map((record) => record.id);

      // The first run ends once its chunk's attempts have failed, before its count, as a worker killed there would.
      const store = new OperationStore(context.redis, context.keys);
      let died = false;
      const diesOnce = Object.assign(Object.create(store) as OperationStore, {
        async update(id: string, fields: Parameters<OperationStore['update']>[1]) {
          if (!died && fields.done !== undefined && fields.done > 0) {
            await waitFor(async () => (await context.deliveries.states(ids)).every((state) => state?.status === 'dead' && state.attempts === 1), {
              message: "the chunk's attempts failed",
            });
            died = true;
            throw new Error('the worker died here');
          }
          await store.update(id, fields);
        },
      });
      await operationsWorker?.close();
      const place = sharedQueuePlace(fleet.config.prefix, OPERATIONS_QUEUE, fleet.config.partitions);
      operationsWorker = new Worker<OperationJobData>(place.name, createOperationProcessor(context, diesOnce), {
        connection: queueConnection.connection,
        prefix: place.prefix,
      });

      const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
      expect(started.status).toBe(202);
      const operation = await waitFor(
        async () => {
          const read = (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body;
          return read.status === 'running' ? null : read;
        },
        { timeoutMs: 30_000, message: 'the recover ended' },
      );
      expect(died).toBe(true);
      expect(operation).toMatchObject({ status: 'done', error: null, total: DEAD, done: DEAD });
      // Every delivery job done (the events queue keeps its match jobs: no matcher runs), so all that is sent is here.
      await waitFor(async () => (await unfinishedIn([...context.queues.deliveries, ...context.queues.retries])) === 0, {
        timeoutMs: 30_000,
        message: 'every job done',
      });
      expect(receiver.deliveryIds(path).sort()).toEqual([...ids].sort());
      expect((await context.deliveries.states(ids)).map((state) => [state?.status, state?.attempts])).toEqual(ids.map(() => ['dead', 1]));
    });
  });
});
