import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { paybookProfile } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

const route = (operation: string) => paybookProfile.compat.routes.find((entry) => entry.operation === operation)!;
const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

describe('the Paybook Sync compat API (/paybook/v1/webhooks)', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let paybook: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => ReturnType<TestFleet['call']>;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('paybook-compat');
    paybook = (method, path, body, headers = {}) => fleet.call(method, `/paybook/v1/webhooks${path}`, body, null, { ...providerAuth.paybook(tenant.api_key), ...headers });
  });
  afterAll(() => fleet.stop());

  it('creates the documented webhook (the curl POST) and answers in the envelope with the webhook object', async () => {
    const created = await paybook('POST', '', { url: 'https://webhook_domain/my_webhook', events: ['credential_create', 'credential_update', 'refresh'] });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    expect(route('create').answer!.safeParse(created.body).success).toBe(true);
    expect(created.body).toEqual({
      rid: expect.any(String),
      code: 200,
      errors: null,
      status: true,
      message: null,
      response: {
        id_webhook: expect.stringMatching(/^[0-9a-f]{24}$/),
        id_user: null,
        is_disabled: 0,
        events: ['credential_create', 'credential_update', 'refresh'],
        url: 'https://webhook_domain/my_webhook',
        delay: 0,
        ct_failed: 0,
        dt_created: expect.stringMatching(OFFSET_TIME),
        dt_modified: expect.stringMatching(OFFSET_TIME),
      },
    });
    expect(Object.keys(created.body.response)).toEqual(['id_webhook', 'id_user', 'is_disabled', 'events', 'url', 'delay', 'ct_failed', 'dt_created', 'dt_modified']);
  });

  it('lists the webhooks registered on the key (the curl GET), in the envelope', async () => {
    const listed = await paybook('GET', '');
    expect(listed.status).toBe(200);
    expect(route('list').answer!.safeParse(listed.body).success).toBe(true);
    expect(listed.body.response).toHaveLength(1);
    expect(listed.body.response[0].url).toBe('https://webhook_domain/my_webhook');
  });

  it('keeps delay: seconds before the first attempt, the subscription\'s delay_seconds', async () => {
    const created = await paybook('POST', '', { url: 'https://webhook_domain/later', events: ['refresh'], delay: 90 });
    expect(created.body.response.delay).toBe(90);
    const native = await fleet.call('GET', '/v1/subscriptions?profile=paybook', undefined, tenant.api_key);
    expect(native.body.data.find((entry: { url: string }) => entry.url === 'https://webhook_domain/later')).toMatchObject({ profile: 'paybook', delay_seconds: 90 });
  });

  it('deletes a webhook (the curl DELETE), answering response: true', async () => {
    const created = await paybook('POST', '', { url: 'https://webhook_domain/short-lived', events: ['credential_update'] });
    const id = created.body.response.id_webhook;
    const deleted = await paybook('DELETE', `/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ rid: expect.any(String), code: 200, errors: null, status: true, message: null, response: true });
    const again = await paybook('DELETE', `/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ rid: expect.any(String), code: 404, errors: null, status: false, message: expect.any(String), response: null });
  });

  it('works with the Node SDK: every call a POST with X-Http-Method-Override and a JSON body', async () => {
    const sdk = (path: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown) =>
      fleet.call('POST', `/paybook/v1/webhooks${path}`, body ?? {}, null, {
        ...providerAuth.paybook(tenant.api_key),
        'cache-control': 'no-cache',
        ...(method === 'POST' ? {} : { 'x-http-method-override': method }),
        'x-client-identifier': 'Library-sync-js',
      });
    const created = await sdk('', 'POST', { url: 'https://webhook_domain/sdk', events: ['refresh'] });
    expect(created.body.status).toBe(true);
    const listed = await sdk('', 'GET', {});
    expect(listed.status).toBe(200);
    expect(listed.body.response.map((webhook: { url: string }) => webhook.url)).toContain('https://webhook_domain/sdk');
    const deleted = await sdk(`/${created.body.response.id_webhook}`, 'DELETE');
    expect(deleted.body).toMatchObject({ status: true, response: true });
    expect(listed.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('keeps the envelope on errors: a bad body, a wrong key, another tenant\'s webhook', async () => {
    const bad = await paybook('POST', '', { url: 'not a url', events: ['payment'] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(bad.body).toMatchObject({ code: 400, status: false, response: null, message: expect.any(String) });
    expect(bad.body.errors.map((issue: { path: string }) => issue.path).sort()).toEqual(['events.0', 'url']);
    const unauthorized = await fleet.call('GET', '/paybook/v1/webhooks', undefined, null, providerAuth.paybook('hfk_wrong'));
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toMatchObject({ code: 401, status: false, response: null });
    const mine = (await paybook('GET', '')).body.response[0].id_webhook;
    const stranger = await fleet.createTenant('paybook-stranger');
    const theirs = await fleet.call('DELETE', `/paybook/v1/webhooks/${mine}`, undefined, null, providerAuth.paybook(stranger.api_key));
    expect(theirs.status).toBe(404);
    expect(theirs.body.status).toBe(false);
    const notJson = await fleet.call('POST', '/paybook/v1/webhooks', '{"url":', null, providerAuth.paybook(tenant.api_key));
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: 400, status: false, response: null });
  });
});
