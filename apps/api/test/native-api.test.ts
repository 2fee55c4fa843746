import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

describe('the native API', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  it('answers 400 with every field path for a bad event', async () => {
    const response = await fleet.call('POST', '/v1/events', { tenant: 5, type: '', data: {} });
    expect(response.status).toBe(400);
    expect(response.body.error).toBeTruthy();
    const paths = response.body.issues.map((issue: { path: string }) => issue.path).sort();
    expect(paths).toEqual(['profile', 'tenant', 'type']);
  });

  it('refuses an unknown tenant, an unknown profile and a type outside the catalogue', async () => {
    const unknownTenant = await fleet.call('POST', '/v1/events', { tenant: 'ten_nope', profile: 'standard', type: 'a.b', data: {} });
    expect(unknownTenant.status).toBe(400);
    expect(unknownTenant.body.issues).toEqual([{ path: 'tenant', message: expect.stringContaining('unknown tenant') }]);
    const unknownProfile = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'nope', type: 'a.b', data: {} });
    expect(unknownProfile.body.issues[0].path).toBe('profile');
    const badType = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'has space', data: {} });
    expect(badType.status).toBe(400);
    expect(badType.body.issues[0].path).toBe('type');
  });

  it('names the failing batch entry', async () => {
    const ok = { tenant: tenant.id, profile: 'standard', type: 'a.b', data: {} };
    const response = await fleet.call('POST', '/v1/events/batch', { events: [ok, { ...ok, type: 'bad type' }] });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([{ path: 'events.1.type', message: expect.any(String) }]);
    const tooMany = await fleet.call('POST', '/v1/events/batch', { events: Array.from({ length: 501 }, () => ok) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues[0].path).toBe('events');
  });

  it('answers 413 to a body over 1 MiB and 400 to malformed JSON', async () => {
    const huge = await fleet.call('POST', '/v1/events', JSON.stringify({ tenant: tenant.id, profile: 'standard', type: 'a.b', data: 'x'.repeat(1024 * 1024 + 10) }));
    expect(huge.status).toBe(413);
    const malformed = await fleet.call('POST', '/v1/events', '{"tenant":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues[0].path).toBe('(body)');
  });

  it('keeps events for operators and subscriptions for their tenant', async () => {
    const asTenant = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'a.b', data: {} }, tenant.api_key);
    expect(asTenant.status).toBe(403);
    const tenantByTenant = await fleet.call('POST', '/v1/tenants', { name: 'x' }, tenant.api_key);
    expect(tenantByTenant.status).toBe(403);
    const operatorWithoutTenant = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/x', events: ['*'] });
    expect(operatorWithoutTenant.status).toBe(400);
    expect(operatorWithoutTenant.body.issues[0].path).toBe('tenant');
  });

  it('creates, lists with a cursor, patches and deletes subscriptions', async () => {
    const created = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await fleet.call('POST', '/v1/subscriptions', { url: `http://127.0.0.1:9/s${index}`, events: ['a.*'], metadata: { index } }, tenant.api_key);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ profile: 'standard', active: true, disabled_reason: null, secret: expect.stringMatching(/^whsec_/) });
      created.push(response.body.id);
    }
    const first = await fleet.call('GET', '/v1/subscriptions?limit=2', undefined, tenant.api_key);
    expect(first.body.data.map((s: { id: string }) => s.id)).toEqual(created.slice(0, 2));
    expect(first.body.next_cursor).toBeTruthy();
    const second = await fleet.call('GET', `/v1/subscriptions?limit=2&cursor=${first.body.next_cursor}`, undefined, tenant.api_key);
    expect(second.body.data.map((s: { id: string }) => s.id)).toEqual(created.slice(2));
    expect(second.body.next_cursor).toBeNull();
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${created[0]}`, { active: false, description: 'paused' }, tenant.api_key);
    expect(patched.body).toMatchObject({ active: false, disabled_reason: 'manual', description: 'paused' });
    const badPatch = await fleet.call('PATCH', `/v1/subscriptions/${created[0]}`, { url: 'ftp://x' }, tenant.api_key);
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.issues[0].path).toBe('url');
    expect((await fleet.call('DELETE', `/v1/subscriptions/${created[0]}`, undefined, tenant.api_key)).status).toBe(204);
    expect((await fleet.call('GET', `/v1/subscriptions/${created[0]}`, undefined, tenant.api_key)).status).toBe(404);
  });

  it('takes ordered: true on create and PATCH, shows it in every answer, and refuses a non-boolean', async () => {
    const plain = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/plain', events: ['a.*'] }, tenant.api_key);
    expect(plain.body.ordered).toBe(false);
    const ordered = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/ordered', events: ['a.*'], ordered: true }, tenant.api_key);
    expect(ordered.status).toBe(201);
    expect(ordered.body.ordered).toBe(true);
    expect((await fleet.call('GET', `/v1/subscriptions/${ordered.body.id}`, undefined, tenant.api_key)).body.ordered).toBe(true);
    const listed = await fleet.call('GET', '/v1/subscriptions?limit=500', undefined, tenant.api_key);
    expect(listed.body.data.find((subscription: { id: string }) => subscription.id === plain.body.id).ordered).toBe(false);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { ordered: true }, tenant.api_key)).body.ordered).toBe(true);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${ordered.body.id}`, { description: 'still ordered' }, tenant.api_key)).body.ordered).toBe(true);
    expect((await fleet.call('PATCH', `/v1/subscriptions/${ordered.body.id}`, { ordered: false }, tenant.api_key)).body.ordered).toBe(false);
    const bad = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/bad', events: ['a.*'], ordered: 'yes' }, tenant.api_key);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('ordered');
  });

  it('counts a batch\'s events by profile and outcome, each event once', async () => {
    const counter = async (name: string, profile: string) => {
      const line = (await fleet.call('GET', '/metrics', undefined, null)).body.split('\n').find((row: string) => row.startsWith(`${name}{profile="${profile}"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = { ingested: await counter('hookfleet_events_ingested_total', 'standard'), deduplicated: await counter('hookfleet_events_deduplicated_total', 'standard') };
    const ok = { tenant: tenant.id, profile: 'standard', type: 'a.b', data: {} };
    expect((await fleet.call('POST', '/v1/events', { ...ok, id: 'evt_counted_once' })).status).toBe(202);
    const batch = await fleet.call('POST', '/v1/events/batch', { events: [ok, { ...ok, id: 'evt_counted_once' }, ok] });
    expect(batch.status).toBe(202);
    expect(await counter('hookfleet_events_ingested_total', 'standard')).toBe(before.ingested + 3);
    expect(await counter('hookfleet_events_deduplicated_total', 'standard')).toBe(before.deduplicated + 1);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fleet.call('GET', '/healthz', undefined, null)).body).toEqual({ ok: true });
    expect((await fleet.call('GET', '/readyz', undefined, null)).status).toBe(200);
    const metrics = await fleet.call('GET', '/metrics', undefined, null);
    expect(metrics.body).toContain('hookfleet_events_ingested_total');
    expect(metrics.body).toContain('hookfleet_http_request_duration_seconds');
  });
});

describe('the SSRF guard on subscriptions', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'false', WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://10.0.0.1/x', 'http://user:pw@example.com/x'])(
    'refuses %s with a field error on url',
    async (url) => {
      const tenant = await fleet.createTenant();
      const response = await fleet.call('POST', '/v1/subscriptions', { url, events: ['*'] }, tenant.api_key);
      expect(response.status).toBe(400);
      expect(response.body.issues[0].path).toBe('url');
    },
  );
});
