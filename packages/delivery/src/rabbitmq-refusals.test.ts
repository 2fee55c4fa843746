import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect as amqpConnect } from 'amqplib';
import { RABBITMQ_URL, RabbitQueue, uniqueName } from '../../../test/brokers.js';
import { PrivateRabbitmq } from '../../../test/private-rabbitmq.js';
import { waitFor } from '../../../test/wait.js';
import { RabbitmqDestination } from './rabbitmq-destination.js';
import type { OutgoingRequest } from './transport.js';

const request = (extra: Partial<OutgoingRequest> & { headers?: Record<string, string> } = {}) => (): OutgoingRequest => ({
  body: extra.body ?? '{"a":1}',
  headers: { 'webhook-id': uniqueName('dlv'), ...extra.headers },
});
const options = { allowPrivateTargets: true, idleMs: 60_000, concurrency: 40, perBrokerConcurrency: 20, timeoutMs: 5_000 };
type Target = { url: string; destination: { type: 'rabbitmq'; url: string; exchange: string; routing_key: string } };
const targetOf = (url: string, queue: RabbitQueue, routingKey = queue.routingKey): Target => ({
  url: '',
  destination: { type: 'rabbitmq', url, exchange: queue.exchange, routing_key: routingKey },
});

/** Messages the broker refuses, against the machine's RabbitMQ: each test its own exchange and queue, deleted after. */
describe('RabbitmqDestination: messages the broker refuses', () => {
  const destination = new RabbitmqDestination(options);
  const queues: RabbitQueue[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all([...queues.splice(0).map((queue) => queue.close()), ...cleanups.splice(0).map((cleanup) => cleanup())]);
  });
  afterAll(() => destination.close());

  it("refuses a CC or BCC header before publishing: the broker would close the channel, failing other subscriptions' publishes in flight on it", async () => {
    const queue = await new RabbitQueue().start();
    queues.push(queue);
    const target = targetOf(RABBITMQ_URL, queue);
    // Side by side, as deliveries of two subscriptions to one exchange go: one of them carries a header named CC.
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) => destination.send(target, request(index === 5 ? { headers: { CC: 'audit' } } : index === 12 ? { headers: { BCC: 'x' } } : {}))),
    );
    const others = outcomes.filter((_, index) => index !== 5 && index !== 12);
    expect(others.map((outcome) => outcome.error).filter(Boolean)).toEqual([]);
    expect(others.every((outcome) => outcome.kind === 'answered')).toBe(true);
    for (const [index, name] of [
      [5, 'CC'],
      [12, 'BCC'],
    ] as const) {
      expect(outcomes[index]?.kind).toBe('error');
      expect(outcomes[index]?.error).toBe(
        `header '${name}' is a routing instruction to RabbitMQ (a list of further routing keys), not a value it carries: the broker would close the channel over it; not sent (remove it from the subscription's headers)`,
      );
    }
    await waitFor(() => queue.messages.length === 18, { message: '18 messages in the queue' });
    // RabbitMQ reads the names case and all: `cc` is a header like any other.
    expect((await destination.send(target, request({ headers: { cc: 'audit' } }))).kind).toBe('answered');
  });

  it('says why the broker nacked a message (a full queue that rejects new ones), a failed attempt, and the channel goes on', async () => {
    const queue = uniqueName('hookfleet-test-full');
    const exchange = uniqueName('hookfleet-test-x');
    const model = await amqpConnect(RABBITMQ_URL);
    const channel = await model.createChannel();
    cleanups.push(async () => {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await model.close();
    });
    await channel.assertExchange(exchange, 'direct', { durable: false });
    await channel.assertQueue(queue, { durable: false, arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' } });
    await channel.bindQueue(queue, exchange, 'full');
    await channel.bindQueue(queue, exchange, 'other');
    const target = (routingKey: string): Target => ({ url: '', destination: { type: 'rabbitmq', url: RABBITMQ_URL, exchange, routing_key: routingKey } });

    expect((await destination.send(target('full'), request())).kind).toBe('answered');
    const refused = await destination.send(target('full'), request());
    expect([refused.kind, refused.code]).toEqual(['error', null]);
    expect(refused.error).toBe(
      'the broker refused the message (basic.nack): a queue it routes to is full and rejects new messages (x-overflow: reject-publish), or the broker could not store it',
    );
    // Room again: the same connection and channel confirm the next message.
    await channel.purgeQueue(queue);
    expect((await destination.send(target('other'), request())).kind).toBe('answered');
  });

  it('says a header name is over AMQP’s 255 bytes (the client cannot write it), and the channel goes on', async () => {
    const queue = await new RabbitQueue().start();
    queues.push(queue);
    const target = targetOf(RABBITMQ_URL, queue);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, index) => destination.send(target, request(index === 2 ? { headers: { ['x'.repeat(256)]: 'v' } } : {}))));
    expect(outcomes[2]).toMatchObject({ kind: 'error', error: `header name '${'x'.repeat(40)}…' is 256 bytes, over AMQP's limit of 255; not sent` });
    expect(outcomes.filter((_, index) => index !== 2).every((outcome) => outcome.kind === 'answered')).toBe(true);
    await waitFor(() => queue.messages.length === 5, { message: '5 messages in the queue' });
  });
});

describe('RabbitmqDestination: a broker with a small max_message_size', () => {
  const broker = new PrivateRabbitmq();
  beforeAll(async () => {
    await broker.start({ maxMessageSize: 4096 });
  }, 90_000);
  afterAll(() => broker.remove());

  it('refuses a message over the limit it learned from the broker before sending it, so later ones in flight beside it are not failed with it', async () => {
    const destination = new RabbitmqDestination(options);
    const model = await amqpConnect(broker.url);
    const channel = await model.createChannel();
    const exchange = uniqueName('hookfleet-test-x');
    const queueName = uniqueName('hookfleet-test-q');
    await channel.assertExchange(exchange, 'direct', { durable: false });
    await channel.assertQueue(queueName, { durable: false });
    await channel.bindQueue(queueName, exchange, 'webhooks');
    const target: Target = { url: '', destination: { type: 'rabbitmq', url: broker.url, exchange, routing_key: 'webhooks' } };
    const big = request({ body: 'x'.repeat(5000) });
    try {
      // The broker refuses the first large message by closing the channel: the reason names its limit.
      const first = await destination.send(target, big);
      expect(first.kind).toBe('error');
      expect(first.error).toContain('message size 5000 is larger than configured max size 4096');

      // From then on a large message is refused before it is sent, and the channel stays open for the others.
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => destination.send(target, index === 5 ? big : request())));
      expect(outcomes[5]).toMatchObject({
        kind: 'error',
        error: "the message is 5000 bytes, over the broker's max_message_size of 4096 bytes (it refused a larger message over it); not sent",
      });
      expect(outcomes.filter((_, index) => index !== 5).map((outcome) => outcome.error ?? outcome.kind)).toEqual(Array.from({ length: 19 }, () => 'answered'));
      expect((await channel.checkQueue(queueName)).messageCount).toBe(19);
    } finally {
      await channel.deleteQueue(queueName);
      await channel.deleteExchange(exchange);
      await model.close();
      await destination.close();
    }
  });

  it('says of a message failed by a channel the broker closed over another one that it was not the one refused', async () => {
    const destination = new RabbitmqDestination(options);
    const model = await amqpConnect(broker.url);
    const channel = await model.createChannel();
    const exchange = uniqueName('hookfleet-test-x');
    const queueName = uniqueName('hookfleet-test-q');
    await channel.assertExchange(exchange, 'direct', { durable: false });
    await channel.assertQueue(queueName, { durable: false });
    await channel.bindQueue(queueName, exchange, 'webhooks');
    const target: Target = { url: '', destination: { type: 'rabbitmq', url: broker.url, exchange, routing_key: 'webhooks' } };
    try {
      // No limit learned yet: the large message goes out among the others, and the broker closes their channel.
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => destination.send(target, request(index === 5 ? { body: 'x'.repeat(5000) } : {}))));
      expect(outcomes[5]?.error).toContain('message size 5000 is larger than configured max size 4096');
      const others = outcomes.filter((outcome, index) => index !== 5 && outcome.kind !== 'answered');
      expect(others.length).toBeGreaterThan(0);
      for (const outcome of others) expect(outcome.error).toMatch(/^not confirmed: the broker closed the channel over another message published on it \(.*message size 5000 is larger than configured max size 4096.*\); this one was not refused$/);
    } finally {
      await channel.deleteQueue(queueName);
      await channel.deleteExchange(exchange);
      await model.close();
      await destination.close();
    }
  });
});
