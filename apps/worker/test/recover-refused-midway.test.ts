import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import { DeliveryStore } from '@hookfleet/store';
import { unfinishedIn } from '../../../test/fleet.js';
import { startRefusingFleet, type Refusal, type RefusingFleet } from '../../../test/mid-request-refusal.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';
import { numberedEvent, range } from './numbered-events.js';

const DEAD = 3;

/**
 * A recover whose chunk Redis starts refusing in the middle of the reset to pending (docs/guarantees.md, "Redis
 * refuses writes"): the delivery whose reset was taken reads pending, the others still dead. The chunk runs again once
 * Redis takes writes and lists only those still dead; the one it reset is sent by the job added, held, before the
 * reset (packages/queue/src/redeliver.ts). Nothing is left pending with no attempt coming, nothing is sent twice.
 */
describe('a recover whose chunk Redis refuses halfway through its reset', () => {
  let setup: RefusingFleet;
  let receiver: TestReceiver;
  let worker: RunningWorker;

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 200 })).start();
    setup = await startRefusingFleet();
    worker = await startWorker(setup.fleet.config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await worker.stop();
    await setup.stop();
    await receiver.stop();
  });

  // NOREPLICAS refuses every write; at its memory limit Redis still takes those that need no memory (ZREM, EXPIRE).
  it.each(['noreplicas', 'oom'] as const)('sends every dead delivery once, the one it had reset too (%s)', async (refusal: Refusal) => {
    const { fleet, relay, admin, keys } = setup;
    const tenant = await fleet.createTenant(`refused recover ${refusal}`);
    const since = new Date(Date.now() - 1000).toISOString();
    // Published before the subscription exists: matched to nothing, kept for the recover to send.
    const published = await fleet.call('POST', '/v1/events/batch', { events: range(0, DEAD).map((index) => numberedEvent(tenant.id, refusal, index)) });
    expect(published.status).toBe(202);
    await waitFor(async () => (await unfinishedIn([worker.context.queues.events])) === 0, { message: 'the events matched' });
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/refused-${refusal}`), events: [`${refusal}.*`] }, tenant.api_key)).body as { id: string };
    // Dead, as spent ladders leave them.
    const deliveries = new DeliveryStore(admin, keys, 3600);
    const records = (published.body.results as Array<{ id: string }>).map(({ id }) => ({ id: deliveryIdFor(id, subscription.id), eventId: id, subscriptionId: subscription.id }));
    await deliveries.createPending(records);
    await deliveries.markDead(records.map((record) => ({ id: record.id, subscriptionId: subscription.id, attempts: 0 })));
    const deliveryKeys = new Set(records.map((record) => keys.delivery(record.id)));

    // Redis takes the first delivery's reset to pending and refuses the writes after it.
    relay.after(([name, key]) => name === 'hset' && deliveryKeys.has(key ?? ''), refusal);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await waitFor(() => relay.fired, { message: 'the reset refused' });
    const states = await deliveries.states(records.map((record) => record.id));
    expect(states.map((state) => state?.status).sort()).toEqual(['dead', 'dead', 'pending']);
    // Those still dead are still listed so: a recover run again finds them.
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key);
    expect(listed.body.data).toHaveLength(2);
    await setup.writable();

    await waitFor(
      async () => (await deliveries.states(records.map((record) => record.id))).every((state) => state?.status === 'delivered'),
      { timeoutMs: 45_000, message: 'every recovered delivery delivered' },
    );
    const operation = await waitFor(
      async () => {
        const read = (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body;
        return read.status === 'running' ? null : read;
      },
      { message: 'the recover ended' },
    );
    expect(operation).toMatchObject({ status: 'done', error: null });
    const { queues } = worker.context;
    await waitFor(async () => (await unfinishedIn([queues.operations, ...queues.deliveries, ...queues.retries])) === 0, { timeoutMs: 30_000, message: 'every job done' });
    const ids = receiver.forPath(`/refused-${refusal}`).map((request) => String(request.headers['webhook-id']));
    expect(ids.sort()).toEqual(records.map((record) => record.id).sort());
  });
});
