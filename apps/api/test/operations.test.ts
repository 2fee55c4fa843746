import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

describe("the operator's toolkit", () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let outage = true;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path === '/outage' && outage ? { status: 503 } : request.path === '/dead' ? { status: 500 } : { status: 200 })).start();
    // The whole standard ladder (≈27.6 h) in about 2 s.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const publishBatch = async (type: string, count: number, prefix: string) => {
    const events = Array.from({ length: count }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type, id: `${prefix}-${index}`, data: { index } }));
    for (let offset = 0; offset < count; offset += 500) {
      const response = await fleet.call('POST', '/v1/events/batch', { events: events.slice(offset, offset + 500) });
      expect(response.status).toBe(202);
    }
  };

  const waitOperation = (id: string) =>
    waitFor(async () => {
      const response = await fleet.call('GET', `/v1/operations/${id}`, undefined, tenant.api_key);
      return response.body.status === 'done' ? response.body : null;
    }, { message: `operation ${id} done` });

  it('recovers every dead delivery of an outage exactly once more, with the same webhook-ids', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/outage'), events: ['outage.*'] }, tenant.api_key)).body;
    const since = new Date(Date.now() - 1000).toISOString();
    await publishBatch('outage.tick', 500, 'outage');
    await waitFor(
      async () => {
        const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead&limit=500`, undefined, tenant.api_key);
        return dead.body.data.length === 500;
      },
      { timeoutMs: 60_000, message: '500 dead deliveries' },
    );
    const firstIds = new Set(receiver.forPath('/outage').map((request) => String(request.headers['webhook-id'])));
    expect(firstIds.size).toBe(500);
    outage = false;
    // 20 dead deliveries in a row disabled it as failing: recover refuses until it is enabled again.
    const disabled = await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key);
    expect(disabled.body).toMatchObject({ active: false, disabled_reason: 'failing' });
    const refused = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
    expect(refused.status).toBe(409);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: true }, tenant.api_key)).status).toBe(200);
    const before = receiver.forPath('/outage').length;
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    const operation = await waitOperation(started.body.operation_id);
    expect(operation).toMatchObject({ kind: 'recover', total: 500, done: 500 });
    await waitFor(() => receiver.forPath('/outage').length >= before + 500, { message: '500 recovered deliveries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const recovered = receiver.forPath('/outage').slice(before);
    expect(recovered).toHaveLength(500);
    expect(new Set(recovered.map((request) => String(request.headers['webhook-id'])))).toEqual(firstIds);
    const delivered = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered&limit=500`, undefined, tenant.api_key);
    expect(delivered.body.data).toHaveLength(500);
    const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key);
    expect(dead.body.data).toHaveLength(0);
  });

  it('replays what an inactive subscription missed, and nothing else', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/replay'), events: ['replay.*'] }, tenant.api_key)).body;
    await publishBatch('replay.before', 5, 'replay-before');
    await waitFor(() => receiver.forPath('/replay').length === 5, { message: 'five before' });
    await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: false }, tenant.api_key);
    const since = new Date().toISOString();
    await publishBatch('replay.during', 200, 'replay-during');
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/replay')).toHaveLength(5);
    await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: true }, tenant.api_key);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since }, tenant.api_key);
    expect(started.status).toBe(202);
    expect(await waitOperation(started.body.operation_id)).toMatchObject({ kind: 'replay', total: 200, done: 200 });
    await waitFor(() => receiver.forPath('/replay').length >= 205, { message: '205 replayed' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const replayed = receiver.forPath('/replay').slice(5).map((request) => JSON.parse(request.body));
    expect(replayed).toHaveLength(200);
    expect(replayed.every((body) => body.type === 'replay.during')).toBe(true);
    expect(new Set(replayed.map((body) => body.data.index)).size).toBe(200);
  });

  it('refuses a window beyond the retention', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/x'), events: ['x.*'] }, tenant.api_key)).body;
    const response = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since: '30d' }, tenant.api_key);
    expect(response.status).toBe(400);
    expect(response.body.issues[0]).toMatchObject({ path: 'since', message: expect.stringContaining('kept for 24 h') });
  });

  it('retries one dead delivery now, with the same webhook-id', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/dead'), events: ['dead.*'] }, tenant.api_key)).body;
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'dead.one', id: 'dead-1', data: {} });
    const deliveryId = await waitFor(async () => {
      const page = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key);
      return page.body.data[0]?.id as string | undefined;
    });
    expect(receiver.forPath('/dead')).toHaveLength(8);
    const retried = await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: deliveryId, status: 'pending' });
    await waitFor(() => receiver.forPath('/dead').length === 9);
    expect(receiver.forPath('/dead')[8]?.headers['webhook-id']).toBe(deliveryId);
    const after = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key);
      return response.body.status === 'dead' ? response.body : null;
    });
    expect(after.attempts).toBe(9);
    const event = await fleet.call('GET', '/v1/events/dead-1', undefined, tenant.api_key);
    expect(event.body).toMatchObject({ id: 'dead-1', type: 'dead.one', data: {}, deliveries: [{ id: deliveryId, subscription_id: subscription.id, status: 'dead' }] });
  });

  it('refuses to retry a delivery of an inactive subscription, as recover and replay do, and leaves it as it was', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/paused'), events: ['paused.*'] }, tenant.api_key)).body;
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'paused.one', id: 'paused-1', data: {} });
    const deliveryId = await waitFor(async () => {
      const page = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered`, undefined, tenant.api_key);
      return page.body.data[0]?.id as string | undefined;
    });
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: false }, tenant.api_key)).status).toBe(200);
    const refused = await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect((await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key)).body).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.forPath('/paused')).toHaveLength(1);
  });

  it('sends a signed test delivery and reports what the endpoint did', async () => {
    const healthy = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/test-ok'), events: ['*'] }, tenant.api_key)).body;
    const broken = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/dead'), events: ['*'] }, tenant.api_key)).body;
    const ok = await fleet.call('POST', `/v1/subscriptions/${healthy.id}/test`, { type: 'ping.test', data: { hello: 'world' } }, tenant.api_key);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, status_code: 200, error: null, duration_ms: expect.any(Number) });
    const arrived = receiver.forPath('/test-ok')[0];
    expect(JSON.parse(arrived?.body ?? '{}')).toMatchObject({ type: 'ping.test', data: { hello: 'world' } });
    expect(arrived?.headers['webhook-signature']).toMatch(/^v1,/);
    const failed = await fleet.call('POST', `/v1/subscriptions/${broken.id}/test`, {}, tenant.api_key);
    expect(failed.body).toMatchObject({ ok: false, status_code: 500, error: 'HTTP 500' });
  });

  it('lists every profile event type with a description', async () => {
    const response = await fleet.call('GET', '/v1/event-types', undefined, tenant.api_key);
    expect(response.status).toBe(200);
    expect(response.body.data.length).toBeGreaterThan(0);
    for (const entry of response.body.data) {
      expect(entry).toEqual({ profile: expect.any(String), type: expect.any(String), description: expect.any(String), schema: entry.schema === null ? null : expect.any(Object), deprecated: false });
    }
    const standard = await fleet.call('GET', '/v1/event-types?profile=standard', undefined, tenant.api_key);
    expect(standard.body.data.every((entry: { profile: string }) => entry.profile === 'standard')).toBe(true);
  });

  it('pages through events and deliveries with cursors, newest first', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/pages'), events: ['page.*'] }, tenant.api_key)).body;
    for (let index = 0; index < 7; index += 1) {
      await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'page.item', id: `page-${index}`, data: { index } });
    }
    await waitFor(() => receiver.forPath('/pages').length === 7);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/events?type=page.item&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await fleet.call('GET', query, undefined, tenant.api_key);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((event: { id: string }) => event.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, index) => `page-${6 - index}`));
    const deliveries: string[] = [];
    cursor = null;
    do {
      const query: string = `/v1/deliveries?subscription=${subscription.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await fleet.call('GET', query, undefined, tenant.api_key);
      deliveries.push(...page.body.data.map((delivery: { event_id: string }) => delivery.event_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(deliveries).size).toBe(7);
    expect(deliveries).toHaveLength(7);
    const other = await fleet.createTenant('other');
    expect((await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}`, undefined, other.api_key)).status).toBe(404);
    expect((await fleet.call('GET', '/v1/events/page-1', undefined, other.api_key)).status).toBe(404);
  });
});
