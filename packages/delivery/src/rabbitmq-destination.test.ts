import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { freePort, RABBITMQ_URL, RabbitQueue, TcpProxy, uniqueName } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { RabbitmqDestination } from './rabbitmq-destination.js';

const request = () => ({ body: '{"a":1}', headers: { 'webhook-id': uniqueName('dlv') } });

/** Against the machine's RabbitMQ: each test its own exchange names, deleted after. */
describe('RabbitmqDestination against a real broker', () => {
  const destination = new RabbitmqDestination({ allowPrivateTargets: true, idleMs: 60_000, concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 5_000 });
  const queues: RabbitQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(() => destination.close());

  it("records the broker's reason when it closes the channel for an exchange that does not exist, no credential in it", async () => {
    const exchange = uniqueName('hookfleet-test-missing');
    const outcome = await destination.send({ url: '', destination: { type: 'rabbitmq', url: RABBITMQ_URL, exchange, routing_key: 'webhooks' } }, request);
    expect(outcome.kind).toBe('error');
    expect(outcome.error).toContain(`NOT_FOUND - no exchange '${exchange}' in vhost '/'`);
    for (const credential of [RABBITMQ_URL, new URL(RABBITMQ_URL).password].filter(Boolean)) expect(outcome.error).not.toContain(credential);

    // The closed channel's reason stays with it: the next publish, on a fresh connection, is confirmed.
    const queue = await new RabbitQueue().start();
    queues.push(queue);
    const next = await destination.send({ url: '', destination: { type: 'rabbitmq', url: RABBITMQ_URL, exchange: queue.exchange, routing_key: queue.routingKey } }, request);
    expect([next.kind, next.error]).toEqual(['answered', null]);
  });

  it('keeps a missing exchange from failing the publishes to other exchanges of the same broker', async () => {
    const queue = await new RabbitQueue().start();
    queues.push(queue);
    const good = { url: '', destination: { type: 'rabbitmq' as const, url: RABBITMQ_URL, exchange: queue.exchange, routing_key: queue.routingKey } };
    const missing = { url: '', destination: { type: 'rabbitmq' as const, url: RABBITMQ_URL, exchange: uniqueName('hookfleet-test-missing'), routing_key: 'webhooks' } };
    // Side by side, as deliveries of two subscriptions to one broker go: the broker closes the channel of the missing
    // exchange's publish, and every publish waiting on that channel with it.
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, index) => destination.send(index % 4 === 3 ? missing : good, request)));
    const goods = outcomes.filter((_, index) => index % 4 !== 3);
    expect(goods.map((outcome) => outcome.error).filter(Boolean)).toEqual([]);
    expect(outcomes.filter((_, index) => index % 4 === 3).every((outcome) => outcome.kind === 'error')).toBe(true);
  });
});

/** Through a proxy of the test's own in front of the machine's RabbitMQ (the shared broker is never stopped). */
describe('RabbitmqDestination when the way to the broker breaks', () => {
  const TIMEOUT_MS = 1_000;
  let queue: RabbitQueue;
  let proxy: TcpProxy;
  let destination: RabbitmqDestination;
  let target: { url: string; destination: { type: 'rabbitmq'; url: string; exchange: string; routing_key: string } };

  beforeEach(async () => {
    queue = await new RabbitQueue().start();
    proxy = await new TcpProxy(await freePort(), Number(new URL(RABBITMQ_URL).port || 5672)).restore();
    destination = new RabbitmqDestination({ allowPrivateTargets: true, idleMs: 60_000, concurrency: 4, perBrokerConcurrency: 2, timeoutMs: TIMEOUT_MS });
    const url = new URL(RABBITMQ_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    target = { url: '', destination: { type: 'rabbitmq', url: url.toString(), exchange: queue.exchange, routing_key: queue.routingKey } };
  });
  afterEach(async () => {
    await proxy.cut();
    await destination.close();
    await queue.close();
  });

  it('opens a fresh connection for the first delivery after the pooled one was cut while idle', async () => {
    expect((await destination.send(target, request)).kind).toBe('answered');
    await proxy.cut();
    await proxy.restore();
    // The client hears the cut (its socket ends) long before a worker's next delivery; give it those few ticks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await destination.send(target, request);
    expect([next.kind, next.error]).toEqual(['answered', null]);
    await waitFor(() => queue.messages.length === 2, { message: 'both messages in the queue' });
  });

  it("cuts a publish the broker does not confirm at the subscription's own timeout_ms, not the process's", async () => {
    const patient = new RabbitmqDestination({ allowPrivateTargets: true, idleMs: 60_000, concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 60_000 });
    try {
      expect((await patient.send(target, request)).kind).toBe('answered');
      proxy.freeze();
      const sent = patient.send(target, () => ({ ...request(), timeoutMs: TIMEOUT_MS }));
      const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting'), TIMEOUT_MS * 5).unref());
      expect(await Promise.race([sent, waited])).toMatchObject({ kind: 'timeout', error: 'timed out waiting for the broker to confirm' });
    } finally {
      await proxy.cut();
      await patient.close();
    }
  });

  it('closes within the timeout a connection to a broker that stopped answering (a worker stop does not hang)', async () => {
    expect((await destination.send(target, request)).kind).toBe('answered');
    proxy.freeze();
    const closing = destination.close().then(() => 'closed');
    const waited = new Promise((resolve) => setTimeout(() => resolve('still closing'), TIMEOUT_MS * 5).unref());
    expect(await Promise.race([closing, waited])).toBe('closed');
  });
});
