import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@hookfleet/client';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { NATS_SERVER, NatsStream, RABBITMQ_URL, RabbitQueue, type BrokerMessageSeen } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

/** Each message verifies with the subscription's secret, carries its delivery id as message id and header, and its event. */
function verifiedIndexes(messages: readonly BrokerMessageSeen[], secret: string): number[] {
  return messages.map((message) => {
    expect(message.messageId).toBe(message.headers['webhook-id']);
    expect(message.headers['content-type']).toBe('application/json');
    const payload = verifyWebhook<{ data: { index: number } }>(secret, message.body, message.headers);
    return payload.data.index;
  });
}

describe('broker destinations', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  const rabbit = new RabbitQueue();
  const stream = new NatsStream();

  beforeAll(async () => {
    await Promise.all([rabbit.start(), stream.start()]);
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await Promise.all([rabbit.close(), stream.close()]);
  });

  const deliveriesOf = async (subscriptionId: string) =>
    (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=500`, undefined, tenant.api_key)).body.data as Array<{ id: string; status: string; attempts: number }>;

  it('publishes each event to a RabbitMQ queue once, signed, delivered on the broker confirmation', async () => {
    const destination = { type: 'rabbitmq', url: RABBITMQ_URL, exchange: rabbit.exchange, routing_key: rabbit.routingKey };
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['rabbit.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('');
    // The password never comes back.
    expect(created.body.destination).toEqual({ ...destination, url: 'amqp://guest:***@127.0.0.1:5672' });
    await publishNumbered(fleet, tenant.id, 'rabbit', range(0, 100));
    await waitFor(async () => (await deliveriesOf(created.body.id)).filter((delivery) => delivery.status === 'delivered').length === 100, { message: '100 delivered' });
    await waitFor(() => rabbit.messages.length >= 100, { message: '100 messages in the queue' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(rabbit.messages).toHaveLength(100);
    expect(verifiedIndexes(rabbit.messages, created.body.secret).sort((a, b) => a - b)).toEqual(range(0, 100));
    const ids = new Set(rabbit.messages.map((message) => message.messageId));
    expect(ids).toEqual(new Set((await deliveriesOf(created.body.id)).map((delivery) => delivery.id)));
  });

  it('publishes each event to a JetStream stream once, signed, with Nats-Msg-Id the delivery id', async () => {
    const destination = { type: 'nats', servers: [NATS_SERVER], subject: stream.subject };
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['nats.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    expect(created.body.destination).toEqual(destination);
    await publishNumbered(fleet, tenant.id, 'nats', range(0, 100));
    await waitFor(async () => (await deliveriesOf(created.body.id)).filter((delivery) => delivery.status === 'delivered').length === 100, { message: '100 delivered' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const messages = await stream.messages();
    expect(messages).toHaveLength(100);
    expect(verifiedIndexes(messages, created.body.secret).sort((a, b) => a - b)).toEqual(range(0, 100));
    expect(new Set(messages.map((message) => message.messageId))).toEqual(new Set((await deliveriesOf(created.body.id)).map((delivery) => delivery.id)));
    const metrics = await (await fetch(`http://127.0.0.1:${fleet.workers[0]?.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/hookfleet_delivery_attempts_total\{[^}]*outcome="success"[^}]*destination="nats"[^}]*\} 100/);
  });

  it('keeps a message no queue takes as a failed attempt that names the reason, the password nowhere', async () => {
    const destination = { type: 'rabbitmq', url: RABBITMQ_URL, exchange: rabbit.exchange, routing_key: 'nobody-listens' };
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['unroutable.*'] }, tenant.api_key);
    await publishNumbered(fleet, tenant.id, 'unroutable', range(0, 1));
    await waitFor(async () => (await deliveriesOf(created.body.id))[0]?.attempts, { message: 'an attempt made' });
    const attempts = await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key);
    expect(attempts.status).toBe(200);
    const first = attempts.body.data[0];
    expect(first.ok).toBe(false);
    expect(first.error).toContain("routing key 'nobody-listens'");
    expect(JSON.stringify(attempts.body)).not.toContain('guest:guest');
    await fleet.call('DELETE', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key);
  });

  it('keeps a message no JetStream stream takes as a failed attempt that says no responders', async () => {
    const destination = { type: 'nats', servers: [NATS_SERVER], subject: `${stream.stream}-nobody.webhooks` };
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['nostream.*'] }, tenant.api_key);
    await publishNumbered(fleet, tenant.id, 'nostream', range(0, 1));
    await waitFor(async () => (await deliveriesOf(created.body.id))[0]?.attempts, { message: 'an attempt made' });
    const first = (await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key)).body.data[0];
    expect(first.ok).toBe(false);
    expect(first.error).toBe(`no responders: no JetStream stream takes subject '${destination.subject}'`);
    await fleet.call('DELETE', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key);
  });
});
