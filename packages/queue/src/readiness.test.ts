import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { freePort } from '../../../scripts/redis-server.mjs';
import { createReadinessProbe, queueList } from './readiness.js';
import { testQueueConnection, testQueuePrefix } from '../../../test/redis.js';

describe('the readiness probe', () => {
  const prefix = testQueuePrefix(`tready${Date.now().toString(36)}`);
  // The test Redis (a single server or the cluster of `npm run test:cluster`), or a URL where nothing listens.
  const reachable = testQueueConnection();
  const opened: Queue[] = [];
  const queue = (name: string, url?: string) => {
    const connection = url ? { url, maxRetriesPerRequest: 1, retryStrategy: () => 1000, disconnectTimeout: 50 } : reachable.connection;
    const created = new Queue(name, { connection, prefix });
    created.on('error', () => undefined);
    opened.push(created);
    return created;
  };

  const warm = async (created: Queue) => {
    await created.getJobCounts('waiting');
    return created;
  };

  afterAll(async () => {
    await Promise.all(opened.map((created) => created.close()));
    await reachable.close();
  });

  it('is ready when Redis answers a PING and every queue answers a count', async () => {
    const probe = createReadinessProbe(async () => 'PONG', [queue('events'), queue('deliveries')]);
    expect(await probe()).toEqual({ ok: true, redis: true, writable: true, queues: { events: true, deliveries: true } });
  });

  it('is not ready when a queue cannot reach Redis, within the timeout', async () => {
    const unreachable = `redis://127.0.0.1:${await freePort()}`;
    // The reachable queue's connection and scripts are ready first: its first count alone can take 300 ms on a busy machine.
    const events = await warm(queue('events'));
    const probe = createReadinessProbe(async () => 'PONG', [events, queue('deliveries', unreachable)], 300);
    const started = Date.now();
    expect(await probe()).toEqual({ ok: false, redis: true, writable: true, queues: { events: true, deliveries: false } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('is not ready when the PING fails or hangs, and shares a running check', async () => {
    let pings = 0;
    const probe = createReadinessProbe(
      () => {
        pings += 1;
        return new Promise<string>(() => undefined);
      },
      [],
      100,
    );
    const [first, second] = await Promise.all([probe(), probe()]);
    expect(first).toEqual({ ok: false, redis: false, writable: true, queues: {} });
    expect(second).toBe(first);
    expect(pings).toBe(1);
    expect(await createReadinessProbe(async () => Promise.reject(new Error('down')), [])()).toMatchObject({ ok: false, redis: false });
  });

  it('is not ready while Redis answers a PING but refuses the write, or the write hangs', async () => {
    const refused = createReadinessProbe(async () => 'PONG', [await warm(queue('events'))], 300, async () => false);
    expect(await refused()).toEqual({ ok: false, redis: true, writable: false, queues: { events: true } });
    const hanging = createReadinessProbe(async () => 'PONG', [], 100, () => new Promise<boolean>(() => undefined));
    expect(await hanging()).toMatchObject({ ok: false, writable: false });
    const failing = createReadinessProbe(async () => 'PONG', [], 100, async () => Promise.reject(new Error('OOM command not allowed')));
    expect(await failing()).toMatchObject({ ok: false, writable: false });
  });

  it('lists every queue of a set, whatever else the set holds', () => {
    const events = queue('events');
    expect(queueList({ events, close: async () => undefined, name: 'not a queue' })).toEqual([events]);
  });
});
