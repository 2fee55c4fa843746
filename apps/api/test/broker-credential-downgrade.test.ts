import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/**
 * A broker password is write-only, and `***` given back keeps it (docs/delivery.md, "Broker destinations"). Whoever may
 * edit a destination but not read its password (a portal session, a form) must not be able to have it sent in the
 * clear: `***` over another protocol (amqps: to amqp:, tls: to nats:) keeps nothing.
 */
describe('a kept broker password never moves to a plain-text protocol', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('downgrade');
  });
  afterAll(() => fleet.stop());

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    [
      'RabbitMQ from amqps to amqp',
      { type: 'rabbitmq', url: 'amqps://app:s3cret@127.0.0.1:5671/vhost', exchange: 'x', routing_key: 'k' },
      { type: 'rabbitmq', url: 'amqp://app:***@127.0.0.1:5671/vhost', exchange: 'x', routing_key: 'k' },
      'destination.url',
    ],
    ['NATS from tls to nats', { type: 'nats', servers: ['tls://app:s3cret@127.0.0.1:4222'], subject: 's' }, { type: 'nats', servers: ['nats://app:***@127.0.0.1:4222'], subject: 's' }, 'destination.servers.0'],
    ['a NATS token from tls to nats', { type: 'nats', servers: ['tls://s3cret-token@127.0.0.1:4222'], subject: 's' }, { type: 'nats', servers: ['nats://***@127.0.0.1:4222'], subject: 's' }, 'destination.servers.0'],
  ])('%s: the *** is refused and the destination stays as it was', async (_label, destination, downgraded, path) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: ['a.b'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const shown = created.body.destination;
    expect(JSON.stringify(shown)).not.toContain('s3cret');

    const patched = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { destination: downgraded }, tenant.api_key);
    expect({ status: patched.status, path: patched.body.issues?.[0]?.path }).toEqual({ status: 400, path });
    expect(JSON.stringify(patched.body)).not.toContain('s3cret');
    expect((await fleet.call('GET', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key)).body.destination).toEqual(shown);

    // The view given back as it was shown, over the same protocol, still keeps the password.
    const same = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { destination: shown }, tenant.api_key);
    expect(same.status).toBe(200);
  });
});
