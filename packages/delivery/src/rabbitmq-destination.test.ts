import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { RABBITMQ_URL, RabbitQueue, uniqueName } from '../../../test/brokers.js';
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
