import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { startWorker } from '../src/worker.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, publishNumberedOne, range } from './numbered-events.js';

/** Per path: how many requests were in flight at once, at most, and the event index of each arrival in order. */
class OrderLog {
  inFlight = new Map<string, number>();
  maxInFlight = new Map<string, number>();
  indexes = new Map<string, number[]>();

  arrived(path: string, index: number): void {
    const now = (this.inFlight.get(path) ?? 0) + 1;
    this.inFlight.set(path, now);
    this.maxInFlight.set(path, Math.max(this.maxInFlight.get(path) ?? 0, now));
    this.indexes.set(path, [...(this.indexes.get(path) ?? []), index]);
  }

  answered(path: string): void {
    this.inFlight.set(path, (this.inFlight.get(path) ?? 1) - 1);
  }

  of(path: string): number[] {
    return this.indexes.get(path) ?? [];
  }
}


describe('ordered subscriptions', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  const log = new OrderLog();
  /** Per path: event index → how many times to answer 500 before 200 (Infinity: never succeeds). */
  const failures = new Map<string, Map<number, number>>();
  const extraWorkers: WorkerProcess[] = [];

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((request, response) => {
      const index = Number((JSON.parse(request.body) as { data: { index: number } }).data.index);
      log.arrived(request.path, index);
      const remaining = failures.get(request.path)?.get(index) ?? 0;
      if (remaining > 0) failures.get(request.path)?.set(index, remaining - 1);
      // A receiver that takes a few milliseconds, so overlapping requests would show (/handover: a slow one).
      receiver.later(request.path === '/handover' ? 10 : 3, () => {
        log.answered(request.path);
        response.writeHead(remaining > 0 ? 500 : 200).end();
      });
    }).start();
    // The whole standard ladder (≈27.6 h) in about 2 s; two partitions, so ordering and partitions run together.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002', HOOKFLEET_PARTITIONS: '2' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await Promise.all(extraWorkers.map((worker) => worker.stop()));
    await fleet.stop();
    await receiver.stop();
  });

  const subscribe = async (path: string, type: string) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ordered: true }, tenant.api_key);
    expect(created.status).toBe(201);
    expect(created.body.ordered).toBe(true);
    return created.body as { id: string };
  };
  const deliveriesOf = async (subscriptionId: string) =>
    (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=500`, undefined, tenant.api_key)).body.data as Array<{ id: string; status: string; attempts: number }>;

  it('delivers one at a time, in publish order, single events and batches alike', async () => {
    await subscribe('/inorder', 'inorder');
    for (const index of range(0, 20)) await publishNumberedOne(fleet, tenant.id, 'inorder', index);
    await publishNumbered(fleet, tenant.id, 'inorder', range(20, 70));
    await publishNumbered(fleet, tenant.id, 'inorder', range(70, 120));
    await waitFor(() => log.of('/inorder').length >= 120, { message: '120 deliveries' });
    expect(log.of('/inorder')).toEqual(range(0, 120));
    expect(log.maxInFlight.get('/inorder')).toBe(1);
  });

  it('holds the followers behind a failing head until the head succeeds', async () => {
    failures.set('/head', new Map([[0, 3]]));
    const subscription = await subscribe('/head', 'head');
    await publishNumbered(fleet, tenant.id, 'head', range(0, 10));
    await waitFor(() => log.of('/head').length >= 13, { message: '13 requests' });
    // Three failed attempts of the head, its success, then every follower once, in order.
    expect(log.of('/head')).toEqual([0, 0, 0, 0, ...range(1, 10)]);
    await waitFor(async () => (await deliveriesOf(subscription.id)).every((delivery) => delivery.status === 'delivered'), { message: 'all delivered' });
    expect((await deliveriesOf(subscription.id)).map((delivery) => delivery.attempts).sort()).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 4]);
  });

  it('releases the followers when the head dies at the end of its ladder', async () => {
    failures.set('/dies', new Map([[0, Infinity]]));
    const subscription = await subscribe('/dies', 'dies');
    await publishNumbered(fleet, tenant.id, 'dies', range(0, 5));
    // The standard ladder is 8 attempts: then the head is dead and the rest go, in order.
    await waitFor(() => log.of('/dies').length >= 12, { message: '12 requests' });
    expect(log.of('/dies')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    await waitFor(async () => (await deliveriesOf(subscription.id)).filter((delivery) => delivery.status === 'delivered').length === 4, { message: 'followers delivered' });
    expect((await deliveriesOf(subscription.id)).filter((delivery) => delivery.status === 'dead')).toEqual([expect.objectContaining({ attempts: 8 })]);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'drained' });
  });

  it('hands the backlog to another worker when the one holding the turn is told to stop, instead of draining it', async () => {
    await subscribe('/handover', 'handover');
    await publishNumbered(fleet, tenant.id, 'handover', range(0, 200));
    await waitFor(() => log.of('/handover').length >= 10, { message: 'the first deliveries' });
    // Only the fleet's own worker runs yet, so it holds the turn.
    const successor = await startWorker(fleet.config, pino({ level: 'silent' }));
    const [stopping] = fleet.workers.splice(0, 1, successor);
    await stopping?.stop();
    // 10 ms a delivery: draining the rest before stopping would have taken about two seconds more.
    expect(log.of('/handover').length).toBeLessThan(200);
    await waitFor(() => log.of('/handover').length >= 200, { timeoutMs: 30_000, message: 'the successor sent the rest' });
    expect(log.of('/handover')).toEqual(range(0, 200));
    expect(log.maxInFlight.get('/handover')).toBe(1);
  });

  it('keeps the order with two more worker processes taking the jobs, through a failing head', async () => {
    for (let index = 0; index < 2; index += 1) extraWorkers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery', HOOKFLEET_PARTITIONS: '2' }));
    failures.set('/many', new Map([[150, 2]]));
    await subscribe('/many', 'many');
    for (let offset = 0; offset < 300; offset += 50) {
      await publishNumbered(fleet, tenant.id, 'many', range(offset, offset + 25));
      for (const index of range(offset + 25, offset + 50)) await publishNumberedOne(fleet, tenant.id, 'many', index);
    }
    await waitFor(() => log.of('/many').length >= 302, { timeoutMs: 60_000, message: '302 requests' });
    expect(log.of('/many')).toEqual([...range(0, 151), 150, 150, ...range(151, 300)]);
    expect(log.maxInFlight.get('/many')).toBe(1);
  });

});
