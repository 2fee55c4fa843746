import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { connectRedis, type RedisClient } from '@hookfleet/store';
import { deliveryQueuePlace, partitionOf } from '@hookfleet/queue';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';

const PARTITIONS = 4;

describe('partitioned delivery queues', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let redis: RedisClient;
  let secondWorker: RunningWorker | undefined;
  let tenant: { id: string; api_key: string };
  /** One subscription per partition, found by the partition hash. */
  const byPartition = new Map<number, { id: string; path: string }>();

  beforeAll(async () => {
    // /flaky fails every first attempt, so retries (their own jobs) run in the partitions too.
    receiver = await new TestReceiver((request, count) => (request.path.startsWith('/flaky') && count === 1 ? { status: 500 } : { status: 200 })).start();
    // The fleet's own worker consumes partitions 0 and 1 only.
    fleet = await startFleet({ HOOKFLEET_PARTITIONS: String(PARTITIONS), WORKER_PARTITIONS: '0-1' });
    redis = connectRedis(fleet.config);
    tenant = await fleet.createTenant();
    for (let index = 0; byPartition.size < PARTITIONS; index += 1) {
      const path = `/p${index}`;
      const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: ['part.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      const partition = partitionOf(created.body.id, PARTITIONS);
      if (byPartition.has(partition)) await fleet.call('DELETE', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key);
      else byPartition.set(partition, { id: created.body.id, path });
    }
  });
  afterAll(async () => {
    await secondWorker?.stop();
    await fleet.stop();
    await receiver.stop();
    redis.disconnect();
  });

  const publish = async (count: number, idPrefix: string) => {
    const events = Array.from({ length: count }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'part.tick', id: `${idPrefix}-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
  };

  it('routes each subscription to its partition, under its own hash tag, and a worker takes only the partitions it was given', async () => {
    await publish(20, 'narrow');
    await waitFor(() => receiver.forPath(byPartition.get(0)!.path).length === 20 && receiver.forPath(byPartition.get(1)!.path).length === 20, { message: 'partitions 0 and 1 delivered' });
    // The receiver sees a part's last request before its job has settled and completed: wait for partitions 0 and 1's
    // jobs to finish, leaving exactly the two that have no consumer.
    await waitFor(async () => (await unfinishedJobs(fleet)) === 2, { message: "only the unconsumed partitions' jobs left" });
    // Partitions 2 and 3 have no consumer yet: their group jobs wait, in keys tagged per partition.
    for (const partition of [2, 3]) {
      const place = deliveryQueuePlace(fleet.config.prefix, partition, PARTITIONS);
      expect(place.prefix).toBe(`${fleet.config.prefix}:{${fleet.config.prefix}:d:${partition}}`);
      expect(await redis.llen(`${place.prefix}:${place.name}:wait`)).toBe(1);
      expect(receiver.forPath(byPartition.get(partition)!.path)).toHaveLength(0);
    }

    secondWorker = await startWorker({ ...fleet.config, workerRoles: ['delivery'], workerPartitions: [2, 3] }, pino({ level: 'silent' }));
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'every partition drained' });
    for (const { path } of byPartition.values()) expect(new Set(receiver.forPath(path).map((request) => request.headers['webhook-id'])).size).toBe(20);
  });

  it('keeps retries, operator retries and replays in the subscription partition', async () => {
    const flaky = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/flaky'), events: ['flaky.*'] }, tenant.api_key);
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'flaky.one', id: 'flaky-1', data: {} })).status).toBe(202);
    await waitFor(() => receiver.forPath('/flaky').length === 2, { message: 'the retry delivered it' });
    const [delivery] = (await fleet.call('GET', `/v1/deliveries?subscription=${flaky.body.id}`, undefined, tenant.api_key)).body.data;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await fleet.call('POST', `/v1/deliveries/${delivery.id}/retry`, undefined, tenant.api_key)).status).toBe(202);
    await waitFor(() => receiver.forPath('/flaky').length === 3, { message: 'the operator retry delivered it' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'drained' });
    // Replay: the same event again through the subscription's partition.
    const replay = await fleet.call('POST', `/v1/subscriptions/${flaky.body.id}/replay`, { since }, tenant.api_key);
    expect(replay.status).toBe(202);
    await waitFor(() => receiver.forPath('/flaky').length === 4, { message: 'the replay delivered it' });
    expect(new Set(receiver.forPath('/flaky').map((request) => request.headers['webhook-id']))).toEqual(new Set([delivery.id]));
  });

  it('reports every partition in the queue gauges, the readiness probe and the queue admin UI', async () => {
    await waitFor(async () => {
      const metrics = await (await fetch(`${fleet.api.url}/metrics`)).text();
      return (
        [0, 1, 2, 3].every((partition) => ['deliveries', 'retries'].every((name) => metrics.includes(`hookfleet_queue_jobs{queue="${name}-${partition}",state="waiting"}`))) &&
        metrics.includes('hookfleet_queue_jobs{queue="events",state="waiting"}')
      );
    }, { message: 'gauges of every partition' });
    expect((await fetch(`${fleet.api.url}/readyz`)).status).toBe(200);
    const board = await fleet.call('GET', '/admin/queues/api/queues?activeQueue=deliveries-0&page=1&jobsPerPage=10');
    expect(board.status).toBe(200);
    expect((board.body.queues as Array<{ name: string }>).map((queue) => queue.name).sort()).toEqual([
      'deliveries-0',
      'deliveries-1',
      'deliveries-2',
      'deliveries-3',
      'events',
      'operations',
      'retries-0',
      'retries-1',
      'retries-2',
      'retries-3',
    ]);
  });
});
