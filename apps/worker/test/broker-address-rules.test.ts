import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { NATS_SERVER, RABBITMQ_URL } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';

/**
 * The address rules hold at send time too: a broker subscription saved where private targets were allowed is not
 * connected to by a delivery worker that forbids them (HOOKFLEET_ALLOW_PRIVATE_TARGETS=false); each attempt fails
 * with the reason, and nothing reaches the broker.
 */
describe('broker destinations: the address rules at send time', () => {
  let fleet: TestFleet;
  let strictWorker: RunningWorker;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // The API (and the fleet's matcher) allow private targets; the only delivery worker does not.
    fleet = await startFleet({ WORKER_ROLES: 'matcher', RETRY_DELAY_SCALE: '0.00002' });
    strictWorker = await startWorker({ ...fleet.config, allowPrivateTargets: false, workerRoles: ['delivery'] }, pino({ level: 'silent' }));
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await strictWorker.stop();
    await fleet.stop();
  });

  it.each([
    ['rabbitmq', { type: 'rabbitmq', url: RABBITMQ_URL, exchange: 'amq.direct', routing_key: 'never' }],
    ['nats', { type: 'nats', servers: [NATS_SERVER], subject: 'hookfleet.never' }],
  ])('refuses to connect to a %s broker on a private address', async (kind, destination) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination, events: [`${kind}.*`] }, tenant.api_key);
    expect(created.status).toBe(201);
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: `${kind}.tick`, data: { n: 1 } })).status).toBe(202);
    const attempts = await waitFor(async () => {
      const found = (await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key)).body.data as Array<{ ok: boolean; error: string | null }>;
      return found.length > 0 ? found : null;
    });
    expect(attempts.every((attempt) => !attempt.ok)).toBe(true);
    expect(attempts[0]?.error).toBe('target address 127.0.0.1 is not allowed');
  });
});
