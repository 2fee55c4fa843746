import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** What a user sees for the commonest mistakes: plain messages naming the field, and typos refused by name. */
describe('plain errors at the native API', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('plain');
  });
  afterAll(() => fleet.stop());

  it('names a missing profile in plain words, on the fast path and through Express alike', async () => {
    const event = { tenant: tenant.id, type: 'plain.event', data: {} };
    // The plain POST takes the ingest fast path; a query string sends the same request through Express.
    for (const path of ['/v1/events', '/v1/events?via=express']) {
      const answer = await fleet.call('POST', path, event);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).toEqual({ error: 'invalid request body', code: 'validation_failed', issues: [{ path: 'profile', message: 'required: a string' }] });
    }
  });

  it('refuses a misspelt field on create by name, and creates nothing', async () => {
    const url = `https://plain.example.com/${Date.now()}`;
    const answer = await fleet.call('POST', '/v1/subscriptions', { url, events: ['*'], rate_limt: { per_second: 5 } }, tenant.api_key);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', issues: [{ path: 'rate_limt', message: expect.stringContaining('unknown field') }] });
    const list = await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key);
    expect(list.body.data.filter((subscription: { url: string }) => subscription.url === url)).toEqual([]);
  });

  it('refuses a misspelt field on PATCH by name, and changes nothing', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'https://plain.example.com/patch', events: ['*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const answer = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { rate_limt: { per_second: 5 }, active: false }, tenant.api_key);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'rate_limt', message: expect.stringContaining('unknown field') }]);
    const after = await fleet.call('GET', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key);
    expect(after.body).toMatchObject({ active: true, rate_limit: null });
  });

  it('refuses an unknown field when creating a tenant', async () => {
    const answer = await fleet.call('POST', '/v1/tenants', { name: 'acme', plan: 'gold' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'plan', message: expect.stringContaining('unknown field') }]);
  });

  it('says what an empty event list wants', async () => {
    const answer = await fleet.call('POST', '/v1/subscriptions', { url: 'https://plain.example.com/empty', events: [] }, tenant.api_key);
    expect(answer.body.issues).toEqual([{ path: 'events', message: 'must list at least 1 item' }]);
  });
});
