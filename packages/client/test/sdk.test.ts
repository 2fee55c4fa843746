import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { createClient, HookfleetApiError, verifyWebhook, type CreatedTenant, type HookfleetClient, type Subscription } from '../src/index.js';

describe('the SDK against a real fleet', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let operator: HookfleetClient;
  let tenant: CreatedTenant;
  let asTenant: HookfleetClient;
  let subscription: Subscription;

  const deliveriesAt = (path: string) => receiver.forPath(path);
  const verified = (request: ReceivedRequest) => verifyWebhook<{ type: string; data: { n: number } }>(subscription.secret!, request.body, request.headers);

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    operator = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 2, baseDelayMs: 50 } });
    tenant = await operator.createTenant('sdk-tenant');
    asTenant = operator.withToken(tenant.api_key);
    subscription = await asTenant.subscriptions.create({ url: receiver.url('/sdk'), events: ['order.*'], description: 'made by the SDK' });
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('creates a tenant and a subscription with a generated whsec_ secret', () => {
    expect(tenant).toMatchObject({ id: expect.stringMatching(/^ten_/), name: 'sdk-tenant', api_key: expect.any(String) });
    expect(subscription).toMatchObject({ id: expect.stringMatching(/^sub_/), tenant: tenant.id, profile: 'standard', active: true, events: ['order.*'] });
    expect(subscription.secret).toMatch(/^whsec_/);
  });

  it('publishes one event and a batch of 520, and every delivery verifies with verifyWebhook', async () => {
    const single = await operator.publish({ tenant: tenant.id, profile: 'standard', type: 'order.created', data: { n: -1 } });
    expect(single).toEqual({ id: expect.stringMatching(/^evt_/), deduplicated: false });

    const batch = Array.from({ length: 520 }, (_, n) => ({ tenant: tenant.id, profile: 'standard', type: 'order.paid', data: { n } }));
    const results = await operator.publishBatch(batch);
    expect(results).toHaveLength(520);
    expect(results.every((result) => result.id.startsWith('evt_') && !result.deduplicated)).toBe(true);
    expect(new Set(results.map((result) => result.id)).size).toBe(520);

    await waitFor(() => deliveriesAt('/sdk').length >= 521, { message: '521 deliveries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const payloads = deliveriesAt('/sdk').map(verified);
    expect(payloads).toHaveLength(521);
    expect(payloads.filter((payload) => payload.type === 'order.created')).toEqual([expect.objectContaining({ data: { n: -1 } })]);
    expect(new Set(payloads.map((payload) => payload.data.n)).size).toBe(521);
  });

  it('publishes an event id once: the second publish is deduplicated', async () => {
    const event = { tenant: tenant.id, profile: 'standard', type: 'order.refunded', id: 'sdk-once', data: { n: 1000 } };
    await expect(operator.publish(event)).resolves.toEqual({ id: 'sdk-once', deduplicated: false });
    await expect(operator.publish(event)).resolves.toEqual({ id: 'sdk-once', deduplicated: true });
    const delivery = await waitFor(() => deliveriesAt('/sdk').find((request) => verified(request).data.n === 1000));
    const deliveryId = String(delivery.headers['webhook-id']);
    const record = await waitFor(async () => {
      const current = await asTenant.deliveries.get(deliveryId);
      return current.status === 'delivered' ? current : null;
    });
    expect(record).toMatchObject({ id: deliveryId, event_id: 'sdk-once', subscription_id: subscription.id, attempts: 1 });
    const attempts = await asTenant.subscriptions.attempts(subscription.id);
    expect(attempts.data.find((attempt) => attempt.delivery_id === deliveryId)).toMatchObject({ event_id: 'sdk-once', ok: true, status_code: 200 });
  });

  it('lists, reads, updates and deletes subscriptions with the tenant key', async () => {
    const extra = await asTenant.subscriptions.create({ url: receiver.url('/extra'), events: ['invoice.*'] });
    const listed = await asTenant.subscriptions.list({ limit: 50 });
    expect(listed.data.map((item) => item.id).sort()).toEqual([subscription.id, extra.id].sort());
    await expect(asTenant.subscriptions.get(extra.id)).resolves.toMatchObject({ id: extra.id, url: receiver.url('/extra') });
    await expect(asTenant.subscriptions.update(extra.id, { active: false, description: 'paused' })).resolves.toMatchObject({
      active: false,
      description: 'paused',
    });
    // `ordered` is in the SDK's input and answer types (checked by the compiler) and goes through as sent.
    const ordered: boolean = (await asTenant.subscriptions.update(extra.id, { ordered: true })).ordered;
    expect(ordered).toBe(true);
    await asTenant.subscriptions.delete(extra.id);
    await expect(asTenant.subscriptions.get(extra.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('turns the API refusals into HookfleetApiError with status, code and issues', async () => {
    const forbidden = asTenant.publish({ tenant: tenant.id, profile: 'standard', type: 'order.paid', data: {} });
    await expect(forbidden).rejects.toBeInstanceOf(HookfleetApiError);
    await expect(forbidden).rejects.toMatchObject({ status: 403, code: 'forbidden' });

    const unknownTenant = operator.publish({ tenant: 'ten_nobody', profile: 'standard', type: 'order.paid', data: {} });
    await expect(unknownTenant).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
      issues: [{ path: 'tenant', message: 'unknown tenant ten_nobody' }],
    });

    const anonymous = createClient({ url: fleet.api.url, token: 'wrong-token', retry: { limit: 0 } });
    await expect(anonymous.subscriptions.list()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it("names a refused event of a batch over 500 by its place in the caller's array, not in its request's chunk", async () => {
    // The type matches no subscription: the first chunk's 500 events, accepted, deliver nothing.
    const batch = Array.from({ length: 520 }, (_, n) => ({ tenant: n === 510 ? 'ten_nope' : tenant.id, profile: 'standard', type: 'chunk.test', data: { n } }));
    const refused = await operator.publishBatch(batch).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HookfleetApiError);
    expect(refused).toMatchObject({ status: 400, code: 'validation_failed', issues: [{ path: 'events.510.tenant', message: 'unknown tenant ten_nope' }] });
    expect((refused as HookfleetApiError).message).toContain('events.510.tenant');
  });
});
