import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@hookfleet/client';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { freePort, NatsStream, PrivateNatsServer, RabbitQueue, TcpProxy, type BrokerMessageSeen } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';


interface Attempt {
  delivery_id: string;
  attempt: number;
  ok: boolean;
  error: string | null;
}

/**
 * A broker stopped mid-run and started again: every accepted event arrives once (by webhook-id), and the deliveries
 * that met the stopped broker climbed the ladder (failed attempts with the reason, then delivered). The machine's
 * shared brokers are never stopped: NATS is a private nats-server, RabbitMQ is reached through a proxy that is cut.
 */
describe('a broker down mid-run', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // The standard ladder (5 s, 5 min, 30 min, …) scaled so its first rungs take milliseconds to a few seconds.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0002', DELIVERY_TIMEOUT_MS: '3000' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const deliveriesOf = async (subscriptionId: string) =>
    (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=500`, undefined, tenant.api_key)).body.data as Array<{ id: string; status: string; attempts: number }>;
  const attemptsOf = async (subscriptionId: string) =>
    (await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/attempts`, undefined, tenant.api_key)).body.data as Attempt[];

  /** Publishes 0–39, stops the broker, publishes 40–79, waits for failed attempts, starts it again; checks what arrived. */
  async function outage(type: string, subscriptionId: string, secret: string, broker: { stop(): Promise<void>; start(): Promise<unknown> }, arrived: () => Promise<BrokerMessageSeen[]>) {
    await publishNumbered(fleet, tenant.id, type, range(0, 40));
    await waitFor(async () => (await deliveriesOf(subscriptionId)).filter((delivery) => delivery.status === 'delivered').length === 40, { message: 'the first 40 delivered' });
    await broker.stop();
    await publishNumbered(fleet, tenant.id, type, range(40, 80));
    await waitFor(async () => (await attemptsOf(subscriptionId)).filter((attempt) => !attempt.ok).length >= 80, { message: 'the next 40 failed against the stopped broker', timeoutMs: 30_000 });
    await broker.start();
    await waitFor(async () => (await deliveriesOf(subscriptionId)).filter((delivery) => delivery.status === 'delivered').length === 80, { message: 'all 80 delivered', timeoutMs: 30_000 });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);

    const messages = await waitFor(async () => {
      const seen = await arrived();
      return seen.length >= 80 ? seen : null;
    });
    expect(messages).toHaveLength(80);
    const indexes = messages.map((message) => verifyWebhook<{ data: { index: number } }>(secret, message.body, message.headers).data.index);
    expect(indexes.sort((a, b) => a - b)).toEqual(range(0, 80));
    expect(new Set(messages.map((message) => message.messageId)).size).toBe(80);

    // The ladder: each delivery that met the stopped broker failed (attempt 1, 2, … with the reason), then was delivered.
    const attempts = await attemptsOf(subscriptionId);
    const failed = attempts.filter((attempt) => !attempt.ok);
    const failedDeliveries = new Set(failed.map((attempt) => attempt.delivery_id));
    expect(failedDeliveries.size).toBeGreaterThanOrEqual(40);
    expect(failed.every((attempt) => attempt.error !== null && attempt.error.length > 0)).toBe(true);
    const deliveries = await deliveriesOf(subscriptionId);
    for (const delivery of deliveries.filter((entry) => failedDeliveries.has(entry.id))) {
      const mine = attempts.filter((attempt) => attempt.delivery_id === delivery.id).sort((a, b) => a.attempt - b.attempt);
      expect(mine.map((attempt) => attempt.attempt)).toEqual(range(1, mine.length + 1));
      expect(mine.at(-1)?.ok).toBe(true);
      expect(mine.slice(0, -1).every((attempt) => !attempt.ok)).toBe(true);
      expect(delivery.attempts).toBe(mine.length);
    }
    return failed;
  }

  it('NATS: a private nats-server killed and started again on its port, nothing lost, nothing twice', async () => {
    const server = await new PrivateNatsServer(await freePort()).start();
    const stream = await new NatsStream(server.url).start();
    try {
      const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'nats', servers: [server.url], subject: stream.subject }, events: ['natsdown.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      // The test's own connection reconnects to the restarted server in its own time: a read that times out is read again.
      await outage('natsdown', created.body.id, created.body.secret, server, async () => stream.messages().catch(() => []));
    } finally {
      await stream.close().catch(() => undefined);
      await server.remove();
    }
  });

  it('RabbitMQ: the way to the broker cut and restored, nothing lost, nothing twice', async () => {
    const queue = await new RabbitQueue().start();
    const proxy = await new TcpProxy(await freePort(), 5672).restore();
    try {
      const url = `amqp://guest:guest@127.0.0.1:${proxy.port}`;
      const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'rabbitmq', url, exchange: queue.exchange, routing_key: queue.routingKey }, events: ['rabbitdown.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      const failed = await outage('rabbitdown', created.body.id, created.body.secret, { stop: () => proxy.cut(), start: () => proxy.restore() }, async () => queue.messages);
      // The reason is plain, and the password is not in it.
      expect(failed.some((attempt) => attempt.error?.includes('connection refused'))).toBe(true);
      expect(failed.every((attempt) => !attempt.error?.includes('guest:guest'))).toBe(true);
    } finally {
      await proxy.cut();
      await queue.close();
    }
  });
});
