import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { paymoProfile } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ISO_SECONDS, providerAuth } from './compat-auth.js';

const hooksSchema = paymoProfile.compat.routes.find((route) => route.operation === 'list')!.answer!;

describe('the Paymo compat API (/paymo/api/hooks)', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let paymo: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => ReturnType<TestFleet['call']>;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('paymo-compat');
    paymo = (method, path, body, headers = {}) => fleet.call(method, `/paymo${path}`, body, null, { ...providerAuth.paymo(tenant.api_key), ...headers });
  });
  afterAll(() => fleet.stop());

  it('creates the documented hooks with integer ids and lists them as { "hooks": [ … ] }', async () => {
    const first = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/paymo-insert-task-hook', event: 'model.insert.Task' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      hooks: [
        {
          id: 1,
          target_url: 'https://myapp.com/paymo-insert-task-hook',
          last_status_code: null,
          event: 'model.insert.Task',
          where: null,
          created_on: expect.stringMatching(ISO_SECONDS),
          updated_on: expect.stringMatching(ISO_SECONDS),
        },
      ],
    });
    const second = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/paymo-delete-task-hook', event: 'model.delete.Task' });
    expect(second.body.hooks[0].id).toBe(2);

    const listed = await paymo('GET', '/api/hooks');
    expect(listed.status).toBe(200);
    expect(hooksSchema.safeParse(listed.body).success).toBe(true);
    expect(listed.body.hooks.map(({ id, target_url, last_status_code, event }: Record<string, unknown>) => ({ id, target_url, last_status_code, event }))).toEqual([
      { id: 1, target_url: 'https://myapp.com/paymo-insert-task-hook', last_status_code: null, event: 'model.insert.Task' },
      { id: 2, target_url: 'https://myapp.com/paymo-delete-task-hook', last_status_code: null, event: 'model.delete.Task' },
    ]);
  });

  it('gets one hook as { "hooks": [ hook ] }', async () => {
    const got = await paymo('GET', '/api/hooks/1');
    expect(got.status).toBe(200);
    expect(got.body.hooks).toHaveLength(1);
    expect(got.body.hooks[0]).toMatchObject({ id: 1, target_url: 'https://myapp.com/paymo-insert-task-hook', event: 'model.insert.Task', last_status_code: null });
  });

  it('creates the notifications example and the where example of the current docs', async () => {
    const plain = await paymo('POST', '/api/hooks', { event: 'model.insert.Task', target_url: 'https://app.com/notifications' });
    expect(plain.status).toBe(201);
    const filtered = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/paymo/project-123-new-tasks', event: 'model.insert.Task', where: 'project_id=123' });
    expect(filtered.status).toBe(201);
    expect(filtered.body.hooks[0]).toMatchObject({ event: 'model.insert.Task', where: 'project_id=123' });
  });

  it('updates with PUT or POST on /api/hooks/:id, only the fields sent', async () => {
    const created = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/a', event: 'model.update.Client', where: 'id=1' });
    const id = created.body.hooks[0].id;
    const put = await paymo('PUT', `/api/hooks/${id}`, { target_url: 'https://myotherapp.com/notifications' });
    expect(put.status).toBe(200);
    expect(put.body.hooks[0]).toMatchObject({ id, target_url: 'https://myotherapp.com/notifications', event: 'model.update.Client', where: 'id=1', last_status_code: null });
    const post = await paymo('POST', `/api/hooks/${id}`, { event: '*.Client', where: null });
    expect(post.status).toBe(200);
    expect(post.body.hooks[0]).toMatchObject({ id, target_url: 'https://myotherapp.com/notifications', event: '*.Client', where: null });
  });

  it('deletes with 200 OK, after which the hook is gone', async () => {
    const created = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/b', event: 'model.insert.Entry' });
    const id = created.body.hooks[0].id;
    const deleted = await paymo('DELETE', `/api/hooks/${id}`);
    expect(deleted.status).toBe(200);
    const gone = await paymo('GET', `/api/hooks/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: expect.any(String) });
    expect((await paymo('DELETE', `/api/hooks/${id}`)).status).toBe(404);
  });

  it('takes wildcard events and a secret it never returns', async () => {
    for (const event of ['*', 'model.insert.*', '*.Task', 'model.start.Entry', 'model.insert.Booking']) {
      const created = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/wild', event, secret: 'secret' });
      expect([event, created.status]).toEqual([event, 201]);
      expect(created.body.hooks[0]).not.toHaveProperty('secret');
      const got = await paymo('GET', `/api/hooks/${created.body.hooks[0].id}`);
      expect(JSON.stringify(got.body)).not.toContain('"secret"');
    }
  });

  it('refuses an unknown event, a missing target_url and a where it cannot parse for a concrete event', async () => {
    const unknown = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/x', event: 'model.insert.Unicorn' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ message: expect.stringContaining('event') });
    const missing = await paymo('POST', '/api/hooks', { event: 'model.insert.Task' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('target_url');
    const badWhere = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/x', event: 'model.insert.Task', where: 'project_id ~ 1' });
    expect(badWhere.status).toBe(400);
    expect(badWhere.body.message).toContain('where');
    // For wildcard events Paymo checks the where per event, not at creation.
    const wildcard = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/x', event: '*.Task', where: 'project_id ~ 1' });
    expect(wildcard.status).toBe(201);
    const notJson = await fleet.call('POST', '/paymo/api/hooks', '{"target_url": ', null, providerAuth.paymo(tenant.api_key));
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ message: expect.stringContaining('JSON') });
  });

  it('answers 401 in Paymo\'s style without a key or with a wrong one, and 404 for another tenant\'s hook', async () => {
    const none = await fleet.call('GET', '/paymo/api/hooks', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: expect.any(String) });
    // The Basic challenge: clients that send credentials only when challenged (.NET's, Java's) need it to send the key.
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    const wrong = await fleet.call('GET', '/paymo/api/hooks', undefined, null, providerAuth.paymo('hfk_wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    const other = await fleet.createTenant('paymo-other');
    const otherList = await fleet.call('GET', '/paymo/api/hooks', undefined, null, providerAuth.paymo(other.api_key));
    expect(otherList.body).toEqual({ hooks: [] });
    expect((await fleet.call('GET', '/paymo/api/hooks/1', undefined, null, providerAuth.paymo(other.api_key))).status).toBe(404);
  });

  it('accepts Bearer with the tenant key, and the operator token naming the tenant', async () => {
    const bearer = await fleet.call('GET', '/paymo/api/hooks/1', undefined, tenant.api_key);
    expect(bearer.status).toBe(200);
    const operator = await fleet.call('GET', '/paymo/api/hooks/1', undefined, undefined, { 'hookfleet-tenant': tenant.id });
    expect(operator.status).toBe(200);
    expect(operator.body.hooks[0].id).toBe(1);
    const operatorWithoutTenant = await fleet.call('GET', '/paymo/api/hooks');
    expect(operatorWithoutTenant.status).toBe(400);
  });

  it('makes ordinary subscriptions, visible at /v1/subscriptions with their profile; one deleted there leaves the compat list', async () => {
    const created = await paymo('POST', '/api/hooks', { target_url: 'https://myapp.com/native', event: 'model.insert.Project', where: 'client_id=5' });
    const id = created.body.hooks[0].id;
    const native = await fleet.call('GET', '/v1/subscriptions?profile=paymo&limit=500', undefined, tenant.api_key);
    const subscription = native.body.data.find((entry: { url: string }) => entry.url === 'https://myapp.com/native');
    expect(subscription).toMatchObject({ profile: 'paymo', events: ['model.insert.Project'], tenant: tenant.id, active: true });
    expect((await fleet.call('DELETE', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key)).status).toBe(204);
    expect((await paymo('GET', `/api/hooks/${id}`)).status).toBe(404);
    const listed = await paymo('GET', '/api/hooks');
    expect(listed.body.hooks.map((hook: { id: number }) => hook.id)).not.toContain(id);
  });

  it('answers an unknown path under /paymo in Paymo\'s style', async () => {
    const response = await paymo('GET', '/api/nothing');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: expect.any(String) });
  });
});
