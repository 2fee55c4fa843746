import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

describe('abuse limits', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '5', HOOKFLEET_TENANT_INGEST_RATE: '20', HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT: '2', WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  it('answers 429 with Retry-After when a tenant key goes over the management rate', async () => {
    const tenant = await fleet.createTenant();
    const answers = [];
    for (let index = 0; index < 15; index += 1) answers.push(await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key));
    const limited = answers.find((answer) => answer.status === 429);
    expect(limited).toBeDefined();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited?.body).toMatchObject({ error: expect.any(String), code: 'rate_limited' });
    // The operator is not limited.
    for (let index = 0; index < 15; index += 1) expect((await fleet.call('GET', `/v1/subscriptions?tenant=${tenant.id}`)).status).toBe(200);
  });

  it('answers 429 to events over a tenant’s ingest rate, accepting none of that request', async () => {
    const tenant = await fleet.createTenant();
    const batchOf = (from: number) => Array.from({ length: 50 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'a.b', id: `abuse-${from + index}`, data: {} }));
    // A batch larger than a second's worth (20) is taken from a full bucket, and leaves it in debt for 2.5 s.
    expect((await fleet.call('POST', '/v1/events/batch', { events: batchOf(0) })).status).toBe(202);
    const events = batchOf(50);
    const response = await fleet.call('POST', '/v1/events/batch', { events });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
    const retried = await fleet.call('POST', '/v1/events', events[0]);
    expect(retried.status).toBe(429);
    expect(await fleet.call('GET', `/v1/events/${events[0]!.id}`)).toMatchObject({ status: 404 });
  });

  it('refuses a subscription over the per-tenant limit with 409', async () => {
    const tenant = await fleet.createTenant();
    for (let index = 0; index < 2; index += 1) expect((await fleet.call('POST', '/v1/subscriptions', { url: `http://127.0.0.1:9/${index}`, events: ['*'] }, tenant.api_key)).status).toBe(201);
    const third = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/3', events: ['*'] }, tenant.api_key);
    expect(third.status).toBe(409);
    expect(third.body.error).toContain('HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT');
  });
});

describe('secret rotation', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('signs with the new and the old secret for 24 hours', async () => {
    const tenant = await fleet.createTenant();
    const created = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/rotate'), events: ['*'] }, tenant.api_key)).body;
    const rotated = await fleet.call('POST', `/v1/subscriptions/${created.id}/rotate-secret`, {}, tenant.api_key);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'rotate.me', data: { n: 1 } });
    const delivery = await waitFor(() => receiver.forPath('/rotate')[0]);
    const headers = { 'webhook-id': String(delivery.headers['webhook-id']), 'webhook-timestamp': String(delivery.headers['webhook-timestamp']), 'webhook-signature': String(delivery.headers['webhook-signature']) };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(delivery.body, headers)).toMatchObject({ type: 'rotate.me' });
    expect(new Webhook(created.secret).verify(delivery.body, headers)).toMatchObject({ type: 'rotate.me' });
    expect(() => new Webhook('whsec_' + Buffer.from('x'.repeat(24)).toString('base64')).verify(delivery.body, headers)).toThrow();
  });
});
