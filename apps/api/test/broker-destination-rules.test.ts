import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { RABBITMQ_URL, RabbitQueue } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';

/** Broker hosts obey the address rules of HTTP URLs (HOOKFLEET_ALLOW_PRIVATE_TARGETS), at create and at PATCH. */
describe('broker destinations: the address rules', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'false', WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  it.each([
    [{ type: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672', exchange: 'x', routing_key: 'k' }, 'destination.url'],
    [{ type: 'rabbitmq', url: 'amqps://u:p@localhost', exchange: 'x', routing_key: 'k' }, 'destination.url'],
    [{ type: 'nats', servers: ['nats://8.8.8.8:4222', 'nats://169.254.169.254:4222'], subject: 's' }, 'destination.servers.1'],
    [{ type: 'nats', servers: ['nats://[::1]:4222'], subject: 's' }, 'destination.servers.0'],
  ])('refuses %j at create and at PATCH, naming %s', async (destination, path) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['a.b'] }, tenant.api_key);
    expect(created.status).toBe(400);
    expect(created.body.issues).toEqual([{ path, message: expect.stringContaining('not allowed') }]);
    expect(JSON.stringify(created.body)).not.toContain('guest:guest');
    const allowed = await fleet.call('POST', '/v1/subscriptions', { url: 'https://example.com/hook', events: ['a.b'] }, tenant.api_key);
    expect(allowed.status).toBe(201);
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${allowed.body.id}`, { destination }, tenant.api_key);
    expect(patched.status).toBe(400);
    expect(patched.body.issues[0].path).toBe(path);
  });
});

/** Credentials are write-only: the redacted view given back keeps the stored password, and deliveries still go. */
describe('broker destinations: the password given back as ***', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  const queue = new RabbitQueue();

  beforeAll(async () => {
    await queue.start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await queue.close();
  });

  it('keeps the stored password when a PATCH sends the destination as it was shown, and refuses *** for another host', async () => {
    const destination = { type: 'rabbitmq', url: RABBITMQ_URL, exchange: queue.exchange, routing_key: 'elsewhere' };
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['kept.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const shown = created.body.destination as typeof destination;
    expect(shown.url).toContain(':***@');
    // The form edits the routing key and sends the rest back as it was shown.
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { destination: { ...shown, routing_key: queue.routingKey } }, tenant.api_key);
    expect(patched.status).toBe(200);
    expect(patched.body.destination).toEqual({ ...shown, routing_key: queue.routingKey });
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'kept.one', data: { n: 1 } })).status).toBe(202);
    // Delivered with the stored password: guest's login still works.
    await waitFor(() => queue.messages.length === 1, { message: 'one message with the kept password' });
    const otherHost = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { destination: { ...shown, url: shown.url.replace('127.0.0.1', '127.0.0.2') } }, tenant.api_key);
    expect(otherHost.status).toBe(400);
    expect(otherHost.body.issues[0]).toMatchObject({ path: 'destination.url', message: expect.stringContaining('give the password') });

    // A test delivery goes to the broker too, and is confirmed.
    const tested = await fleet.call('POST', `/v1/subscriptions/${created.body.id}/test`, { type: 'kept.test' }, tenant.api_key);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: true, status_code: 200, error: null });
    await waitFor(() => queue.messages.length === 2, { message: 'the test message in the queue' });
    expect(JSON.parse(queue.messages[1]?.body ?? '{}')).toMatchObject({ type: 'kept.test' });
  });
});
