import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker, type Queue } from 'bullmq';
import { connectRedis, DeliveryStore, Keys, type Redis, type RedisClient } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { MidRequestRefusal } from '../../../test/mid-request-refusal.js';
import { queueFixture } from '../../../test/queue-fixture.js';
import { testRedisTarget } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import { createQueueConnection, type QueueConnection } from './connection.js';
import type { DeliveryJobData } from './jobs.js';
import { createQueues, type HookfleetQueues } from './queues.js';
import { redeliverAsGroup } from './redeliver.js';

const SUBSCRIPTION = 'sub_chunk';

const chunkOf = (label: string) =>
  ['a', 'b', 'c'].map((name, index) => ({ eventId: `evt_${label}_${name}`, deliveryId: `dlv_${label}_${name}`, eventReceivedAt: Date.now() - 1000 + index }));

const pendingJobs = async (queue: Queue) => {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
};

/**
 * A replay's chunk run again (its worker died, or Redis refused one of its writes) hands nothing to a second job: the
 * deliveries its first run handed over are sent by that run's job, once (docs/guarantees.md, "Redis refuses writes").
 */
describe('a replay chunk run again', () => {
  describe('after its job was sent', () => {
    const fixture = queueFixture('redeliver-rerun');
    let queues: HookfleetQueues;
    let redis: RedisClient;
    let worker: Worker<DeliveryJobData> | undefined;

    beforeAll(() => {
      queues = createQueues(fixture.connection.connection, fixture.prefix);
      redis = connectRedis(testRedisTarget());
    });
    afterAll(async () => {
      await worker?.close();
      await queues.close();
      redis.disconnect();
      await fixture.close();
    });

    // Its progress refused after the job was let go: the chunk runs again, its deliveries already delivered.
    it('adds no second job, though its job is finished and removed', async () => {
      const queue = queues.deliveries[0] as Queue<DeliveryJobData>;
      const store = new DeliveryStore(redis, new Keys(fixture.prefix), 3600);
      const events = chunkOf('sent');
      const sent: string[] = [];
      worker = new Worker<DeliveryJobData>(
        queue.name,
        async (job) => {
          if ('eventIds' in job.data) sent.push(...job.data.eventIds);
        },
        { connection: fixture.connection.connection, prefix: fixture.prefix },
      );

      await redeliverAsGroup(queue, store, 'op_sent:0', SUBSCRIPTION, 'standard', events);
      await waitFor(async () => sent.length === events.length && (await pendingJobs(queue)) === 0, { message: "the chunk's job ran" });
      expect(await queue.getJobCounts('completed')).toEqual({ completed: 0 });

      await redeliverAsGroup(queue, store, 'op_sent:0', SUBSCRIPTION, 'standard', events);
      expect(await pendingJobs(queue)).toBe(0);
      // Another chunk of the same operation, and the same chunk of another operation, each get their job.
      await redeliverAsGroup(queue, store, 'op_sent:200', SUBSCRIPTION, 'standard', events);
      await redeliverAsGroup(queue, store, 'op_other:0', SUBSCRIPTION, 'standard', events);
      await waitFor(async () => sent.length === 3 * events.length && (await pendingJobs(queue)) === 0, { message: 'both jobs ran' });
    });
  });

  describe('after Redis refused part of its reset', () => {
    let server: Awaited<ReturnType<typeof startRedisServer>>;
    let relay: MidRequestRefusal;
    let admin: Redis;
    let throughRelay: Redis;
    let connection: QueueConnection;
    let queues: HookfleetQueues;
    const prefix = 'redeliver-refused';
    const keys = new Keys(prefix);

    beforeAll(async () => {
      server = await startRedisServer();
      admin = connectRedis(server.url) as Redis;
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      relay = new MidRequestRefusal(server.port);
      await relay.start();
      throughRelay = connectRedis(relay.url) as Redis;
      connection = createQueueConnection({ redisUrl: server.url, redisClusterNodes: [] }, { waitForRedis: false });
      queues = createQueues(connection.connection, prefix);
    });
    afterAll(async () => {
      await queues.close();
      await connection.close();
      throughRelay.disconnect();
      admin.disconnect();
      await relay.stop();
      await server.stop();
    });

    it.each(['noreplicas', 'oom'] as const)('resets the rest and lets the held job go, adding none (%s)', async (refusal) => {
      const queue = queues.deliveries[0] as Queue<DeliveryJobData>;
      const store = new DeliveryStore(throughRelay, keys, 3600);
      const events = chunkOf(refusal);
      const batchKey = `op_${refusal}:0`;

      // Redis takes the first delivery's reset to pending and refuses the writes after it.
      relay.after(([name, key]) => name === 'hset' && key === keys.delivery(events[0]!.deliveryId), refusal);
      await expect(redeliverAsGroup(queue, store, batchKey, SUBSCRIPTION, 'standard', events)).rejects.toThrow();
      expect((await store.states(events.map((event) => event.deliveryId))).map((state) => state?.status)).toEqual(['pending', undefined, undefined]);
      expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 1, waiting: 0 });
      await admin.config('SET', 'maxmemory', '0');
      await admin.config('SET', 'min-replicas-to-write', '0');

      // Run again, the chunk lists those its reset did not reach.
      await redeliverAsGroup(queue, store, batchKey, SUBSCRIPTION, 'standard', events.slice(1));
      expect((await store.states(events.map((event) => event.deliveryId))).map((state) => state?.status)).toEqual(['pending', 'pending', 'pending']);
      // The first run's job, let go with every delivery of the chunk, and no other.
      expect(await queue.getJobCounts('delayed', 'waiting')).toEqual({ delayed: 0, waiting: 1 });
      const [job] = await queue.getJobs(['waiting']);
      expect(job?.data).toMatchObject({ kind: 'group', eventIds: events.map((event) => event.eventId) });
      await queue.obliterate({ force: true });
    });
  });
});
