import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { freePort, NATS_SERVER, NatsStream, RabbitQueue, TcpProxy } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { numberedEvent, publishNumbered, publishNumberedOne, range } from './numbered-events.js';

const indexOf = (body: string) => (JSON.parse(body) as { data: { index: number } }).data.index;

/** Operator tools and ordering on broker destinations, as on HTTP ones (docs/operations.md). */
describe('broker destinations under ordering and replay', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0002', DELIVERY_TIMEOUT_MS: '3000' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const deliveredCount = async (subscriptionId: string) =>
    ((await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&status=delivered&limit=500`, undefined, tenant.api_key)).body.data as unknown[]).length;

  it('an ordered RabbitMQ subscription gets its events in publish order, through a cut in the way to the broker', async () => {
    const queue = await new RabbitQueue().start();
    const proxy = await new TcpProxy(await freePort(), 5672).restore();
    try {
      const destination = { type: 'rabbitmq', url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, exchange: queue.exchange, routing_key: queue.routingKey };
      const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['inorder.*'], ordered: true }, tenant.api_key);
      expect(created.status).toBe(201);
      for (const index of range(0, 10)) await publishNumberedOne(fleet, tenant.id, 'inorder', index);
      await publishNumbered(fleet, tenant.id, 'inorder', range(10, 40));
      await waitFor(() => queue.messages.length >= 10, { message: 'the first messages' });
      await proxy.cut();
      await publishNumbered(fleet, tenant.id, 'inorder', range(40, 60));
      // The head of the line meets the cut and waits on its ladder; nothing behind it overtakes.
      await waitFor(async () => ((await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key)).body.data as Array<{ ok: boolean }>).some((attempt) => !attempt.ok), {
        message: 'a failed attempt against the cut',
      });
      await proxy.restore();
      await waitFor(async () => (await deliveredCount(created.body.id)) === 60, { message: '60 delivered', timeoutMs: 30_000 });
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      await waitFor(() => queue.messages.length >= 60);
      const indexes = queue.messages.map((message) => indexOf(message.body));
      // At least once: a publish the broker took but whose confirmation the cut lost comes again, right after itself.
      expect(indexes.filter((index, position) => index !== indexes[position - 1])).toEqual(range(0, 60));
    } finally {
      await proxy.cut();
      await queue.close();
    }
  });

  it('replays to a JetStream stream what an inactive subscription missed, and nothing else', async () => {
    const stream = await new NatsStream().start();
    try {
      const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'nats', servers: [NATS_SERVER], subject: stream.subject }, events: ['replay.*'] }, tenant.api_key);
      await publishNumbered(fleet, tenant.id, 'replay', range(0, 5));
      await waitFor(async () => (await stream.count()) === 5, { message: 'five before' });
      expect((await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { active: false }, tenant.api_key)).status).toBe(200);
      const since = new Date().toISOString();
      await publishNumbered(fleet, tenant.id, 'replay', range(5, 55));
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      expect(await stream.count()).toBe(5);
      await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { active: true }, tenant.api_key);
      const started = await fleet.call('POST', `/v1/subscriptions/${created.body.id}/replay`, { since }, tenant.api_key);
      expect(started.status).toBe(202);
      await waitFor(async () => (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body.status === 'done', { message: 'replay done' });
      await waitFor(async () => (await stream.count()) >= 55, { message: '50 replayed' });
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      const messages = await stream.messages();
      expect(messages).toHaveLength(55);
      expect(messages.slice(5).map((message) => indexOf(message.body)).sort((a, b) => a - b)).toEqual(range(5, 55));
    } finally {
      await stream.close();
    }
  });
});

/** recover on a broker destination: what died while the stream was missing is sent again, with the same ids. */
describe('broker destinations under recover', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // The whole standard ladder (≈27.6 h) in about 2 s: deliveries die fast while nobody takes them.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
  });

  it('sends the dead deliveries of a missing JetStream stream again once it exists, each once, the same ids', async () => {
    const stream = new NatsStream();
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'nats', servers: [NATS_SERVER], subject: stream.subject }, events: ['lost.*'] }, tenant.api_key);
    const since = new Date(Date.now() - 1000).toISOString();
    const events = range(0, 20).map((index) => numberedEvent(tenant.id, 'lost', index));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    // No stream takes the subject yet: every attempt fails (no responders) until the ladder ends.
    const dead = await waitFor(
      async () => {
        const found = (await fleet.call('GET', `/v1/deliveries?subscription=${created.body.id}&status=dead&limit=500`, undefined, tenant.api_key)).body.data as Array<{ id: string }>;
        return found.length === 20 ? found : null;
      },
      { timeoutMs: 40_000, message: '20 dead deliveries' },
    );
    await stream.start();
    try {
      const subscription = (await fleet.call('GET', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key)).body;
      if (!subscription.active) expect((await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { active: true }, tenant.api_key)).status).toBe(200);
      const started = await fleet.call('POST', `/v1/subscriptions/${created.body.id}/recover`, { since }, tenant.api_key);
      expect(started.status).toBe(202);
      await waitFor(async () => (await fleet.call('GET', `/v1/operations/${started.body.operation_id}`, undefined, tenant.api_key)).body.status === 'done', { message: 'recover done' });
      await waitFor(async () => (await stream.count()) >= 20, { message: '20 recovered messages' });
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      const messages = await stream.messages();
      expect(messages).toHaveLength(20);
      expect(new Set(messages.map((message) => message.messageId))).toEqual(new Set(dead.map((delivery) => delivery.id)));
      expect(messages.map((message) => indexOf(message.body)).sort((a, b) => a - b)).toEqual(range(0, 20));
    } finally {
      await stream.close();
    }
  });
});
