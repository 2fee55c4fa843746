import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/**
 * A broker URL keeps its host as written, while a client may read it otherwise (the NATS client reads
 * `%31%32%37.0.0.1` as 127.0.0.1; amqplib connects to localhost when no host is named): such hosts are a 400 at
 * create and at PATCH, naming the plain spelling (packages/delivery/test/broker-host-spelling.test.ts checks that one
 * stored before is never reached).
 */
describe('broker hosts must be written plainly', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'false', WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('broker-hosts');
  });
  afterAll(() => fleet?.stop());

  const nats = (server: string) => ({ type: 'nats', servers: [server], subject: 'hooks' });
  const rabbit = (url: string) => ({ type: 'rabbitmq', url, exchange: 'x', routing_key: 'k' });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a percent-escaped loopback NATS server', nats('nats://%31%32%37.0.0.1:4222'), 'destination.servers.0', /plainly: 127\.0\.0\.1/],
    ['a percent-escaped localhost NATS server', nats('tls://%6c%6fcalhost:4222'), 'destination.servers.0', /plainly: localhost/],
    ['a hexadecimal loopback NATS server', nats('nats://0x7f.1:4222'), 'destination.servers.0', /plainly: 127\.0\.0\.1/],
    ['a NATS server without a host', nats('nats://'), 'destination.servers.0', /must name a host/],
    ['a RabbitMQ URL without a host', rabbit('amqp://'), 'destination.url', /must name a host/],
    ['a RabbitMQ URL with a vhost and no host', rabbit('amqps:///vhost'), 'destination.url', /must name a host/],
    ['a RabbitMQ URL with an opaque path only', rabbit('amqp:127.0.0.1'), 'destination.url', /must name a host/],
  ])('refuses %s at create and at PATCH', async (_label, destination, path, message) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['a.b'] }, tenant.api_key);
    expect({ status: created.status, issues: created.body.issues }).toEqual({ status: 400, issues: [{ path, message: expect.stringMatching(message) }] });

    const plain = await fleet.call('POST', '/v1/subscriptions', { url: 'https://example.com/hook', events: ['a.b'] }, tenant.api_key);
    expect(plain.status).toBe(201);
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { destination }, tenant.api_key);
    expect({ status: patched.status, path: patched.body.issues?.[0]?.path }).toEqual({ status: 400, path });
    expect((await fleet.call('GET', `/v1/subscriptions/${plain.body.id}`, undefined, tenant.api_key)).body.destination).toEqual({ type: 'http', url: 'https://example.com/hook' });
  });

  it('still takes broker hosts written plainly, IPv6 included', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: nats('nats://8.8.8.8:4222'), events: ['a.b'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const v6 = await fleet.call('POST', '/v1/subscriptions', { destination: rabbit('amqps://u:p@[2606:4700:4700::1111]:5671/vhost'), events: ['a.b'] }, tenant.api_key);
    expect(v6.status).toBe(201);
    expect(v6.body.destination.url).toBe('amqps://u:***@[2606:4700:4700::1111]:5671/vhost');
  });
});
