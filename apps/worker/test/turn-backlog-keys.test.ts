// An ordered or batching subscription's backlog has keys beside its sorted set: the same-millisecond counter, the
// turn, the time of its last keeping (packages/store/src/ordered-backlog.ts). Before, the counter never expired and
// was never deleted: every deleted ordered or batching subscription left one key for ever. Deleting a subscription,
// drained or with deliveries still waiting behind a failing head, must leave none of its backlog's keys.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { scanKeys } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

describe("a deleted subscription's backlog keys", () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/down' ? 500 : 200 })).start();
    // The ladder at its real pace: a failed head waits 5 s for its retry, so the deletion finds it waiting.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const context = () => {
    const worker = fleet.workers[0];
    if (!worker) throw new Error('no worker');
    return worker.context;
  };

  const subscribe = async (path: string, type: string, options: Record<string, unknown>) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ...options }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  /** Every key of the subscription's backlog (`…:ordered`, `…:ordered:counter`, `…:batch:turn`, …). */
  const backlogKeys = async (subscriptionId: string, backlog: 'ordered' | 'batch') => scanKeys(context().redis, `{${context().keys.base}:sub:${subscriptionId}}:${backlog}*`);

  const remove = async (subscriptionId: string) => {
    expect((await fleet.call('DELETE', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key)).status).toBe(204);
  };

  it('an ordered subscription whose backlog was drained', async () => {
    const subscriptionId = await subscribe('/ordered', 'ord', { ordered: true });
    await publishNumbered(fleet, tenant.id, 'ord', range(0, 3));
    await waitFor(() => receiver.forPath('/ordered').length >= 3, { message: 'delivered' });
    await waitFor(async () => (await context().backlog.turnHolder(subscriptionId)) === null, { message: 'the turn given back' });
    await remove(subscriptionId);
    expect(await backlogKeys(subscriptionId, 'ordered')).toEqual([]);
  });

  it('a batching subscription whose backlog was drained', async () => {
    const subscriptionId = await subscribe('/batch', 'bat', { batch: { max_events: 10, max_wait_ms: 0 } });
    // Under max_events: the batch goes through the backlog.
    await publishNumbered(fleet, tenant.id, 'bat', range(0, 3));
    await waitFor(() => receiver.forPath('/batch').length >= 1, { message: 'delivered' });
    await waitFor(async () => (await context().batches.turnHolder(subscriptionId)) === null, { message: 'the turn given back' });
    await remove(subscriptionId);
    expect(await backlogKeys(subscriptionId, 'batch')).toEqual([]);
  });

  it('an ordered subscription deleted while its deliveries wait behind a failing head', async () => {
    const subscriptionId = await subscribe('/down', 'down', { ordered: true });
    await publishNumbered(fleet, tenant.id, 'down', range(0, 3));
    await waitFor(() => receiver.forPath('/down').length >= 1, { message: 'the head tried' });
    const queue = context().queues.deliveriesFor(subscriptionId);
    // The turn's holder waits, delayed, for the head's retry.
    await waitFor(async () => {
      const holder = await context().backlog.turnHolder(subscriptionId);
      return holder !== null && (await queue.getJobState(holder)) === 'delayed';
    }, { message: 'the holder waiting for the retry' });
    expect((await backlogKeys(subscriptionId, 'ordered')).length).toBeGreaterThan(0);
    await remove(subscriptionId);
    // The holder is woken (turn-wake.ts), ends the waiting deliveries dead and gives the turn back.
    await waitFor(async () => (await backlogKeys(subscriptionId, 'ordered')).length === 0, { timeoutMs: 10_000, message: 'no backlog key left' });
  });
});
