import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { Queue } from 'bullmq';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { flakyAndDown, TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { testQueueConnection } from '../../../test/redis.js';

describe('the delivery pipeline on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(flakyAndDown).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001' });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(path: string, events = ['order.*']) {
    const response = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events }, tenant.api_key);
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  }

  it('delivers 1,000 events published through the API exactly once each', async () => {
    await subscribe('/bulk', ['order.created']);
    const ids = Array.from({ length: 1000 }, (_, index) => `bulk-${index}`);
    for (let offset = 0; offset < 800; offset += 400) {
      const events = ids.slice(offset, offset + 400).map((id) => ({ tenant: tenant.id, profile: 'standard', type: 'order.created', id, data: { n: id } }));
      const response = await fleet.call('POST', '/v1/events/batch', { events });
      expect(response.status).toBe(202);
      expect(response.body.results).toHaveLength(400);
    }
    const singles = await Promise.all(
      ids.slice(800).map((id) => fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.created', id, data: { n: id } })),
    );
    expect(singles.every((response) => response.status === 202 && response.body.deduplicated === false)).toBe(true);
    await waitFor(() => receiver.forPath('/bulk').length >= 1000, { message: '1,000 deliveries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const bodies = receiver.forPath('/bulk').map((request) => JSON.parse(request.body).data.n as string);
    expect(bodies).toHaveLength(1000);
    expect(new Set(bodies).size).toBe(1000);
  });

  it('retries a failing receiver with the same webhook-id and a signature standardwebhooks verifies', async () => {
    const subscription = await subscribe('/flaky');
    const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.paid', data: { total: 42 } });
    expect(published.status).toBe(202);
    await waitFor(() => receiver.forPath('/flaky').length >= 3, { message: 'three attempts' });
    const attempts = receiver.forPath('/flaky');
    const webhookIds = new Set(attempts.map((request) => request.headers['webhook-id']));
    expect(webhookIds.size).toBe(1);
    const verifier = new Webhook(subscription.secret);
    for (const attempt of attempts) {
      expect(attempt.headers['content-type']).toBe('application/json');
      expect(String(attempt.headers['user-agent'])).toMatch(/^hookfleet\//);
      const payload = verifier.verify(attempt.body, {
        'webhook-id': String(attempt.headers['webhook-id']),
        'webhook-timestamp': String(attempt.headers['webhook-timestamp']),
        'webhook-signature': String(attempt.headers['webhook-signature']),
      });
      expect(payload).toMatchObject({ type: 'order.paid', data: { total: 42 } });
    }
    const deliveryId = String(attempts[0]?.headers['webhook-id']);
    const delivery = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      return response.body.status === 'delivered' ? response.body : null;
    });
    expect(delivery).toMatchObject({ id: deliveryId, event_id: published.body.id, subscription_id: subscription.id, attempts: 3, next_attempt_at: null });
    const log = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/attempts`, undefined, tenant.api_key);
    expect(log.body.data.map((entry: { status_code: number }) => entry.status_code)).toEqual([200, 503, 503]);
    expect(log.body.data[0]).toMatchObject({ delivery_id: deliveryId, event_id: published.body.id, attempt: 3, ok: true, error: null });
  });

  it('ends a delivery dead after the standard ladder of 8 attempts (scaled)', async () => {
    const subscription = await subscribe('/down');
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.refunded', data: {} });
    const deliveryId = await waitFor(() => receiver.forPath('/down')[0]?.headers['webhook-id']);
    const delivery = await waitFor(
      async () => {
        const response = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
        return response.body.status === 'dead' ? response.body : null;
      },
      { timeoutMs: 30_000, message: 'delivery dead' },
    );
    expect(delivery.attempts).toBe(8);
    expect(receiver.forPath('/down')).toHaveLength(8);
    const log = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/attempts`, undefined, tenant.api_key);
    expect(log.body.data).toHaveLength(8);
    expect(log.body.data.every((entry: { ok: boolean; status_code: number }) => !entry.ok && entry.status_code === 500)).toBe(true);
  });

  it('does not deliver a duplicate event id twice', async () => {
    await subscribe('/dedupe', ['order.duplicated']);
    const event = { tenant: tenant.id, profile: 'standard', type: 'order.duplicated', id: 'dup-1', data: { once: true } };
    const first = await fleet.call('POST', '/v1/events', event);
    const second = await fleet.call('POST', '/v1/events', event);
    const inBatch = await fleet.call('POST', '/v1/events/batch', { events: [event, { ...event, id: 'dup-2' }, { ...event, id: 'dup-2' }] });
    expect(first).toMatchObject({ status: 202, body: { id: 'dup-1', deduplicated: false } });
    expect(second).toMatchObject({ status: 200, body: { id: 'dup-1', deduplicated: true } });
    expect(inBatch.body.results).toEqual([
      { id: 'dup-1', deduplicated: true },
      { id: 'dup-2', deduplicated: false },
      { id: 'dup-2', deduplicated: true },
    ]);
    await waitFor(() => receiver.forPath('/dedupe').length >= 2);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/dedupe')).toHaveLength(2);
  });

  it('keeps tenants apart: another tenant gets 404, no key gets 401', async () => {
    const subscription = await subscribe('/private');
    const other = await fleet.createTenant('other');
    expect((await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, other.api_key)).status).toBe(404);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: false }, other.api_key)).status).toBe(404);
    expect((await fleet.call('DELETE', `/v1/subscriptions/${subscription.id}`, undefined, other.api_key)).status).toBe(404);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscription.id}/attempts`, undefined, other.api_key)).status).toBe(404);
    const listed = await fleet.call('GET', '/v1/subscriptions', undefined, other.api_key);
    expect(listed.body.data).toEqual([]);
    const noKey = await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, null);
    expect(noKey.status).toBe(401);
    expect(noKey.body.error).toBeTruthy();
    expect((await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, 'hfk_wrong')).status).toBe(401);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key)).status).toBe(200);
  });
});

describe('a matcher job processed twice', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('adds no second delivery', async () => {
    const tenant = await fleet.createTenant();
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/twice'), events: ['*'] }, tenant.api_key);
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/twice-b'), events: ['thing.made'] }, tenant.api_key);
    const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'thing.made', id: 'twice-1', data: {} });
    expect(published.status).toBe(202);
    const queues = fleet.workers[0]!.context.queues;
    await waitFor(async () => (await queues.deliveries[0]!.getJobCounts('waiting')).waiting === 2, { message: 'two group jobs' });
    // The same matcher work again, as after a crash and a re-run.
    await queues.events.add('match', { eventIds: ['twice-1'] });
    await waitFor(async () => {
      const counts = await queues.events.getJobCounts('waiting', 'active');
      return counts.waiting + counts.active === 0;
    });
    expect((await queues.deliveries[0]!.getJobCounts('waiting')).waiting).toBe(2);

    const { startWorker } = await import('../src/worker.js');
    const deliveryWorker = await startWorker({ ...fleet.config, workerRoles: ['delivery'] });
    try {
      await waitFor(() => receiver.requests.length >= 2);
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      // And once more after the deliveries finished: nothing is added.
      await queues.events.add('match', { eventIds: ['twice-1'] });
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
      const queueConnection = testQueueConnection();
      const deliveriesQueue = new Queue('deliveries', { connection: queueConnection.connection, prefix: fleet.config.prefix });
      expect(await deliveriesQueue.count()).toBe(0);
      await deliveriesQueue.close();
      await queueConnection.close();
    } finally {
      await deliveryWorker.stop();
    }
    expect(receiver.forPath('/twice')).toHaveLength(1);
    expect(receiver.forPath('/twice-b')).toHaveLength(1);
  });
});
