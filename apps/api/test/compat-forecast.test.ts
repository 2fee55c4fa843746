import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { forecastProfile } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

const sample = { id: 1, name: 'Task created webhook subscription', type: 'TASK', event: 'CREATE', url: 'https://domain.com/webhook/task/created', active: true };
const listSchema = forecastProfile.compat.routes.find((route) => route.operation === 'list')!.answer!;

describe('the Forecast compat API (/forecast/v1/webhook_subscriptions)', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let forecast: (method: string, path: string, body?: unknown) => ReturnType<TestFleet['call']>;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('forecast-compat');
    forecast = (method, path, body) => fleet.call(method, `/forecast/v1/webhook_subscriptions${path}`, body, null, providerAuth.forecast(tenant.api_key));
  });
  afterAll(() => fleet.stop());

  it('creates the sample subscription and answers the sample response, active defaulting to true', async () => {
    const created = await forecast('POST', '', { name: 'Task created webhook subscription', type: 'TASK', event: 'CREATE', url: 'https://domain.com/webhook/task/created' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(sample);
    expect(Object.keys(created.body)).toEqual(Object.keys(sample));
  });

  it('gets it at GET /v1/webhook_subscriptions/1 and lists it as an array', async () => {
    expect((await forecast('GET', '/1')).body).toEqual(sample);
    const listed = await forecast('GET', '');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([sample]);
    expect(listSchema.safeParse(listed.body).success).toBe(true);
  });

  it('updates with PUT, only the fields sent: the sample request and response', async () => {
    const updated = await forecast('PUT', '/1', { name: 'Webhook subscription with updated name' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...sample, name: 'Webhook subscription with updated name' });
    const retyped = await forecast('PUT', '/1', { type: 'TIME_REG', event: 'UPDATE', active: false });
    expect(retyped.body).toEqual({ ...sample, name: 'Webhook subscription with updated name', type: 'TIME_REG', event: 'UPDATE', active: false });
    const native = await fleet.call('GET', '/v1/subscriptions?profile=forecast', undefined, tenant.api_key);
    expect(native.body.data[0]).toMatchObject({ profile: 'forecast', events: ['time_reg_updated'], active: false });
  });

  it('gives every subscription of a tenant the next integer id, each tenant counting on its own', async () => {
    const second = await forecast('POST', '', { name: 'phases', type: 'PHASE', event: 'DELETE', url: 'https://domain.com/phases', active: false });
    expect(second.body).toEqual({ id: 2, name: 'phases', type: 'PHASE', event: 'DELETE', url: 'https://domain.com/phases', active: false });
    const other = await fleet.createTenant('forecast-other');
    const theirs = await fleet.call('POST', '/forecast/v1/webhook_subscriptions', { name: 'p', type: 'PROJECT', event: 'CREATE', url: 'https://other.example/' }, null, providerAuth.forecast(other.api_key));
    expect(theirs.body.id).toBe(1);
    const mine = await forecast('GET', '/1');
    expect(mine.body.url).toBe('https://domain.com/webhook/task/created');
  });

  it('deletes with 200 OK and an empty body, as Forecast answers every DELETE, after which the id is gone', async () => {
    const deleted = await forecast('DELETE', '/2');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeNull();
    expect((await forecast('GET', '/2')).status).toBe(404);
    expect((await forecast('GET', '')).body.map((entry: { id: number }) => entry.id)).toEqual([1]);
  });

  it('refuses a missing name, an unknown type or event in Forecast\'s error shape { status, message }, naming the fields', async () => {
    const response = await forecast('POST', '', { type: 'INVOICE', event: 'ARCHIVE', url: 'https://domain.com/x' });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['status', 'message']);
    expect(response.body.status).toBe(400);
    for (const field of ['name', 'type', 'event']) expect(response.body.message).toContain(`${field}:`);
    const missing = await forecast('GET', '/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 404, message: expect.any(String) });
  });

  it('answers 401 without X-FORECAST-API-KEY or with a wrong one; another tenant\'s id is a 404', async () => {
    expect((await fleet.call('GET', '/forecast/v1/webhook_subscriptions', undefined, null)).status).toBe(401);
    const wrong = await fleet.call('GET', '/forecast/v1/webhook_subscriptions', undefined, null, providerAuth.forecast('nope'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ status: 401, message: 'Server failed to authenticate the request.' });
    const stranger = await fleet.createTenant('forecast-stranger');
    expect((await fleet.call('PUT', '/forecast/v1/webhook_subscriptions/1', { name: 'x' }, null, providerAuth.forecast(stranger.api_key))).status).toBe(404);
  });
});
