import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

const EVENTS = 200;
/** Long enough that every publish to the silent broker is still hanging when the HTTP endpoint has had everything. */
const TIMEOUT_MS = 25_000;

/**
 * A broker that accepts connections and never says a word holds no more than its share of a worker: HTTP
 * deliveries beside it all arrive while its publishes still hang, and it gets one pooled connection, not one per
 * delivery.
 */
describe('isolation: a hanging broker does not hold the workers hostage', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let silent: Server;
  const sockets = new Set<Socket>();
  let connectionsSeen = 0;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    silent = createServer((socket) => {
      connectionsSeen += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    fleet = await startFleet({ DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), DELIVERY_CONCURRENCY: '16' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    // The broker refuses from now on (so no retry hangs again), and what hangs ends: the fleet stops at once.
    const closed = new Promise<void>((resolve) => silent.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    await fleet.stop();
    await receiver.stop();
  });

  it('delivers every HTTP event while the broker publishes hang, over one connection to the broker', async () => {
    const port = (silent.address() as AddressInfo).port;
    const hanging = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'rabbitmq', url: `amqp://guest:guest@127.0.0.1:${port}`, exchange: 'x', routing_key: 'k' }, events: ['storm.*'] }, tenant.api_key);
    expect(hanging.status).toBe(201);
    expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/calm'), events: ['calm.*'] }, tenant.api_key)).status).toBe(201);
    // The broker's events first, one request each (a group job each), then the HTTP endpoint's.
    for (let index = 0; index < 20; index += 1) {
      const events = Array.from({ length: EVENTS / 20 }, (_, offset) => ({ tenant: tenant.id, profile: 'standard', type: 'storm.tick', data: { n: index * 10 + offset } }));
      expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    }
    const calm = Array.from({ length: EVENTS }, (_, n) => ({ tenant: tenant.id, profile: 'standard', type: 'calm.tick', data: { n } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events: calm })).status).toBe(202);
    await waitFor(() => receiver.forPath('/calm').length === EVENTS, { message: 'every HTTP delivery', timeoutMs: TIMEOUT_MS - 5_000 });
    // Every broker delivery is still waiting: none was judged yet (their publishes hang until the timeout).
    const attempts = await fleet.call('GET', `/v1/subscriptions/${hanging.body.id}/attempts`, undefined, tenant.api_key);
    expect(attempts.body.data).toEqual([]);
    expect(connectionsSeen).toBe(1);
  });
});
