import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { createClient, verifyWebhook, type HookfleetClient } from '../src/index.js';

/** The secret, stats and backlog routes and the page walkers, against a real fleet. */
describe('the SDK: secrets, stats, backlog and every page of a list', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let operator: HookfleetClient;
  let asTenant: HookfleetClient;
  let tenantId: string;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' });
    operator = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 2, baseDelayMs: 50 } });
    const tenant = await operator.createTenant('sdk-routes');
    tenantId = tenant.id;
    asTenant = operator.withToken(tenant.api_key);
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const publish = (type: string, count: number) =>
    operator.publishBatch(Array.from({ length: count }, (_, n) => ({ tenant: tenantId, profile: 'standard', type, data: { n } })));

  it('shows a tenant and rotates its API key: the old key works for the time asked, a bad time is refused before sending', async () => {
    const tenant = await operator.createTenant('sdk-keys');
    expect(await operator.tenants.get(tenant.id)).toEqual({ id: tenant.id, name: 'sdk-keys', created_at: tenant.created_at, previous_key_expires_at: null });
    const own = operator.withToken(tenant.api_key);
    const rotated = await own.tenants.rotateApiKey(tenant.id, { previous_key_expires_in: 600 });
    expect(rotated.api_key).not.toBe(tenant.api_key);
    expect((await own.tenants.get(tenant.id)).previous_key_expires_at).toBe(rotated.previous_key_expires_at);
    const revoked = await operator.withToken(rotated.api_key).tenants.rotateApiKey(tenant.id, { previous_key_expires_in: 0 });
    expect(revoked.previous_key_expires_at).toBeNull();
    await expect(own.tenants.get(tenant.id)).rejects.toMatchObject({ status: 401 });
    await expect(operator.tenants.rotateApiKey(tenant.id, { previous_key_expires_in: -5 })).rejects.toThrow(/previous_key_expires_in/);
  });

  it('rotates the secret (generated, then given), reads it alone, and deliveries sign with the new one', async () => {
    const subscription = await asTenant.subscriptions.create({ url: receiver.url('/rotated'), events: ['rotate.*'] });
    expect(await asTenant.subscriptions.secret(subscription.id)).toEqual({ secret: subscription.secret, previous_secret_expires_at: null });

    const rotated = await asTenant.subscriptions.rotateSecret(subscription.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(subscription.secret);
    expect(Date.parse(rotated.previous_secret_expires_at!) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    expect(await asTenant.subscriptions.secret(subscription.id)).toEqual({ secret: rotated.secret, previous_secret_expires_at: rotated.previous_secret_expires_at });

    const chosen = `whsec_${randomBytes(24).toString('base64')}`;
    expect((await operator.subscriptions.rotateSecret(subscription.id, { secret: chosen })).secret).toBe(chosen);
    expect((await operator.subscriptions.secret(subscription.id)).secret).toBe(chosen);
    // The API's own refusal of a secret the profile cannot sign with comes back as the usual error.
    await expect(asTenant.subscriptions.rotateSecret(subscription.id, { secret: 'not-a-whsec-secret' })).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(asTenant.subscriptions.secret('sub_nope')).rejects.toMatchObject({ status: 404, code: 'not_found' });

    await publish('rotate.done', 1);
    const [delivery] = await waitFor(() => (receiver.forPath('/rotated').length > 0 ? receiver.forPath('/rotated') : null));
    expect(verifyWebhook(chosen, delivery!.body, delivery!.headers)).toMatchObject({ type: 'rotate.done' });
  });

  it("reports an endpoint's last 24 h with stats", async () => {
    const subscription = await asTenant.subscriptions.create({ url: receiver.url('/stats'), events: ['stats.*'] });
    const empty = await asTenant.subscriptions.stats(subscription.id);
    expect(empty).toMatchObject({ window_hours: 24, attempts: 0, succeeded: 0, success_ratio: null, last_status_code: null, log_truncated: false });
    expect(empty.hourly).toHaveLength(24);

    await publish('stats.tick', 3);
    const stats = await waitFor(async () => {
      const current = await asTenant.subscriptions.stats(subscription.id);
      return current.succeeded === 3 ? current : null;
    });
    expect(stats).toMatchObject({ attempts: 3, success_ratio: 1, last_status_code: 200, last_error: null });
    expect(stats.hourly.at(-1)).toMatchObject({ success: 3, failure: 0, error: 0 });
  });

  it("shows a poll subscription's backlog until its messages are acknowledged", async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['backlog.*'] });
    expect(await asTenant.subscriptions.backlog(subscription.id)).toEqual({ messages: 0, oldest_waiting_since: null, oldest_waiting_seconds: 0 });

    await publish('backlog.tick', 3);
    const backlog = await waitFor(async () => {
      const current = await asTenant.subscriptions.backlog(subscription.id);
      return current.messages === 3 ? current : null;
    });
    expect(Date.parse(backlog.oldest_waiting_since!)).toBeLessThanOrEqual(Date.now());
    // Fetching alone acknowledges nothing; fetching after the page's cursor does.
    const page = await asTenant.subscriptions.messages(subscription.id, { limit: 10 });
    expect(page.data).toHaveLength(3);
    expect((await asTenant.subscriptions.backlog(subscription.id)).messages).toBe(3);
    await asTenant.subscriptions.messages(subscription.id, { after: page.next });
    expect(await asTenant.subscriptions.backlog(subscription.id)).toEqual({ messages: 0, oldest_waiting_since: null, oldest_waiting_seconds: 0 });

    const http = await asTenant.subscriptions.create({ url: receiver.url('/not-poll'), events: ['backlog.*'] });
    await expect(asTenant.subscriptions.backlog(http.id)).rejects.toMatchObject({ status: 404 });
  });

  it('long-polls messages for their whole `wait`, however short the client timeout (it times the answer, not the wait)', async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['long-poll.*'] });
    const impatient = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 0 }, timeoutMs: 500 });
    const startedAt = Date.now();
    const page = await impatient.subscriptions.messages(subscription.id, { wait: 1 });
    expect(page).toEqual({ data: [], next: expect.any(String) });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('walks every page of subscriptions, events and deliveries with listAll', async () => {
    const created = [];
    for (let n = 0; n < 5; n += 1) created.push(await asTenant.subscriptions.create({ url: receiver.url(`/paged-${n}`), events: ['paged.*'] }));
    const everyone = (await asTenant.subscriptions.list({ limit: 500 })).data.map((subscription) => subscription.id);
    expect(everyone.length).toBeGreaterThan(5);

    const walked: string[] = [];
    for await (const subscription of asTenant.subscriptions.listAll({ limit: 2 })) walked.push(subscription.id);
    expect(walked.sort()).toEqual([...everyone].sort());
    const byOperator: string[] = [];
    for await (const subscription of operator.subscriptions.listAll({ tenant: tenantId, limit: 3 })) byOperator.push(subscription.id);
    expect(byOperator.sort()).toEqual([...everyone].sort());

    const published = await publish('paged.tick', 7);
    const target = created[0]!;
    const deliveries = await waitFor(async () => {
      const ids: string[] = [];
      for await (const delivery of asTenant.deliveries.listAll({ subscription: target.id, limit: 2 })) ids.push(delivery.event_id);
      return ids.length === 7 ? ids : null;
    });
    expect(new Set(deliveries)).toEqual(new Set(published.map((result) => result.id)));

    const events: string[] = [];
    for await (const summary of operator.events.listAll({ tenant: tenantId, type: 'paged.tick', limit: 3 })) events.push(summary.id);
    expect(events.sort()).toEqual(published.map((result) => result.id).sort());
  });
});
