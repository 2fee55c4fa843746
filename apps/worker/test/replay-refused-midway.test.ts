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

const EVENTS = 3;

/**
 * A replay whose chunk Redis starts refusing in the middle of the reset to pending (docs/guarantees.md, "Redis
 * refuses writes"): the chunk's job is added, held, and one delivery's reset is taken before the refusal. The chunk runs
 * again once Redis takes writes: it finds the job it handed the chunk to, still held, resets the rest and lets that
 * job go (packages/queue/src/redeliver.ts). A second job for the deliveries still to reset sent them twice: once by
 * it, once by the held job when its hold ran out. Every event is sent once, none left pending.
 */
describe('a replay whose chunk Redis refuses halfway through its reset', () => {
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

  it.each(['noreplicas', 'oom'] as const)('sends every event of the chunk once, those it had reset too (%s)', async (refusal: Refusal) => {
    const { fleet, relay, admin, keys } = setup;
    const tenant = await fleet.createTenant(`refused replay ${refusal}`);
    const since = new Date(Date.now() - 1000).toISOString();
    // Published before the subscription exists: matched to nothing, retained for the replay to send.
    const published = await fleet.call('POST', '/v1/events/batch', { events: range(0, EVENTS).map((index) => numberedEvent(tenant.id, `r${refusal}`, index)) });
    expect(published.status).toBe(202);
    await waitFor(async () => (await unfinishedIn([worker.context.queues.events])) === 0, { message: 'the events matched' });
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/replayed-${refusal}`), events: [`r${refusal}.*`] }, tenant.api_key)).body as {
      id: string;
    };
    const deliveryIds = (published.body.results as Array<{ id: string }>).map(({ id }) => deliveryIdFor(id, subscription.id));
    const deliveryKeys = new Set(deliveryIds.map((id) => keys.delivery(id)));
    const deliveries = new DeliveryStore(admin, keys, 3600);

    // Redis takes the first delivery's reset to pending and refuses the writes after it.
    relay.after(([name, key]) => name === 'hset' && deliveryKeys.has(key ?? ''), refusal);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    await waitFor(() => relay.fired, { message: 'the reset refused' });
    const states = await deliveries.states(deliveryIds);
    expect(states.filter((state) => state?.status === 'pending')).toHaveLength(1);
    await setup.writable();

    const operation = await waitFor(
      async () => {
        const read = (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body;
        return read.status === 'running' ? null : read;
      },
      { timeoutMs: 30_000, message: 'the replay ended' },
    );
    expect(operation).toMatchObject({ status: 'done', error: null, done: EVENTS });
    await waitFor(async () => (await deliveries.states(deliveryIds)).every((state) => state?.status === 'delivered'), {
      timeoutMs: 30_000,
      message: 'every replayed delivery delivered',
    });
    // Every job done, the chunk's held job included (its hold runs out after HELD_FOR_RESET_MS): all that is sent is here.
    const { queues } = worker.context;
    await waitFor(async () => (await unfinishedIn([queues.operations, ...queues.deliveries, ...queues.retries])) === 0, { timeoutMs: 30_000, message: 'every job done' });
    const ids = receiver.forPath(`/replayed-${refusal}`).map((request) => String(request.headers['webhook-id']));
    expect(ids.sort()).toEqual([...deliveryIds].sort());
  });
});
