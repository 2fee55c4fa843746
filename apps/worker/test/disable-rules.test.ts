import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DISABLE_AFTER_CONSECUTIVE_DEAD } from '../../../packages/profiles/src/standard/index.js';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

// The whole standard ladder (≈27.6 h) in about 0.3 s.
const SCALE = '0.00001';

describe('subscriptions whose deliveries keep dying', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let worker: WorkerProcess;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/dying' ? 500 : 200 })).start();
    fleet = await startFleet({ WORKER_ROLES: 'matcher', RETRY_DELAY_SCALE: SCALE });
    // Deliveries in a worker process, so its log can be read.
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery', LOG_LEVEL: 'warn' });
    tenant = await fleet.createTenant('dying');
  });

  afterAll(async () => {
    await worker?.stop();
    await fleet?.stop();
    await receiver?.stop();
  });

  it(`disables a standard subscription after ${DISABLE_AFTER_CONSECUTIVE_DEAD} dead deliveries in a row, says so in the log, and sends it nothing more`, async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/dying'), events: ['dying.*'] }, tenant.api_key)).body;
    const neighbour = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/fine'), events: ['dying.*'] }, tenant.api_key)).body;
    const events = Array.from({ length: DISABLE_AFTER_CONSECUTIVE_DEAD + 5 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'dying.tick', id: `dying-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);

    const disabled = await waitFor(
      async () => {
        const current = await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key);
        return current.body.active === false ? current.body : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the subscription disabled' },
    ).catch(async (error: unknown) => {
      const bookkeeping = await fleet.workers[0]?.context.subscriptions.bookkeeping(subscription.id);
      throw new Error(`${String(error)}; bookkeeping ${JSON.stringify(bookkeeping)}, ${receiver.forPath('/dying').length} attempts`);
    });
    expect(disabled.disabled_reason).toBe('failing');
    await waitFor(() => /subscription disabled/.test(worker.output()) && worker.output().includes(subscription.id), { message: 'the log line' });
    const line = worker.output().split('\n').find((entry) => entry.includes('subscription disabled') && entry.includes(subscription.id));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ subscription_id: subscription.id, reason: 'failing' });
    const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead&limit=100`, undefined, tenant.api_key);
    expect(dead.body.data.length).toBeGreaterThanOrEqual(DISABLE_AFTER_CONSECUTIVE_DEAD);

    // Nothing more goes to it; its healthy neighbour still gets everything.
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'queues drained' });
    const attemptsSoFar = receiver.forPath('/dying').length;
    const later = Array.from({ length: 5 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'dying.later', id: `later-${index}`, data: { index } }));
    await fleet.call('POST', '/v1/events/batch', { events: later });
    await waitFor(() => receiver.forPath('/fine').length === events.length + later.length, { message: 'the neighbour served' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'queues drained again' });
    expect(receiver.forPath('/dying')).toHaveLength(attemptsSoFar);
    expect((await fleet.call('GET', `/v1/subscriptions/${neighbour.id}`, undefined, tenant.api_key)).body.active).toBe(true);
  }, 60_000);
});
