import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hubPlannerProfile } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

const answerSchema = hubPlannerProfile.compat.routes.find((route) => route.operation === 'create')!.answer!;
const OBJECT_ID = /^[0-9a-f]{24}$/;

describe('the Hub Planner compat API (/hubplanner/subscription)', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let hub: (method: string, path: string, body?: unknown) => ReturnType<TestFleet['call']>;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('hubplanner-compat');
    hub = (method, path, body) => fleet.call(method, `/hubplanner${path}`, body, null, providerAuth.hubplanner(tenant.api_key));
  });
  afterAll(() => fleet.stop());

  it('creates the documented subscription and answers with _id, companyId and creationDate', async () => {
    const created = await hub('POST', '/subscription', { event: 'project.update', target_url: 'http://mycompany.com/webhooks_listener' });
    expect(created.status).toBe(201);
    expect(answerSchema.safeParse(created.body).success).toBe(true);
    expect(created.body).toEqual({
      _id: expect.stringMatching(OBJECT_ID),
      companyId: expect.stringMatching(OBJECT_ID),
      creationDate: expect.any(String),
      target_url: 'http://mycompany.com/webhooks_listener',
      event: 'project.update',
    });
    expect(Object.keys(created.body)).toEqual(['_id', 'companyId', 'creationDate', 'target_url', 'event']);
    expect(new Date(created.body.creationDate).toISOString()).toBe(created.body.creationDate);
  });

  it('answers the document\'s example with its authorization_token, key for key', async () => {
    const created = await hub('POST', '/subscription', { event: 'project.update', target_url: 'http://mydomain.hubplanner.com/webhooks_listener', authorization_token: 'secret-token-123' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['_id', 'companyId', 'creationDate', 'target_url', 'event', 'authorization_token']);
    expect(created.body).toMatchObject({ target_url: 'http://mydomain.hubplanner.com/webhooks_listener', event: 'project.update', authorization_token: 'secret-token-123' });
  });

  it('takes every one of the ten events, keeps one companyId per tenant and lists them', async () => {
    for (const event of hubPlannerProfile.events.map((entry) => entry.type)) {
      const created = await hub('POST', '/subscription', { event, target_url: 'https://listener.example/all' });
      expect([event, created.status]).toEqual([event, 201]);
    }
    const listed = await hub('GET', '/subscription');
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.body)).toBe(true);
    expect(listed.body.length).toBe(12);
    expect(new Set(listed.body.map((entry: { companyId: string }) => entry.companyId)).size).toBe(1);
    expect(new Set(listed.body.map((entry: { _id: string }) => entry._id)).size).toBe(12);
  });

  it('unsubscribes with DELETE /subscription/{_id}', async () => {
    const created = await hub('POST', '/subscription', { event: 'booking.delete', target_url: 'https://listener.example/gone' });
    const id = created.body._id as string;
    expect((await hub('GET', `/subscription/${id}`)).body).toEqual(created.body);
    const deleted = await hub('DELETE', `/subscription/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body._id).toBe(id);
    expect((await hub('GET', `/subscription/${id}`)).status).toBe(404);
    const again = await hub('DELETE', `/subscription/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: expect.any(String) });
  });

  it('refuses an unsupported event or a missing target_url, naming the field', async () => {
    const badEvent = await hub('POST', '/subscription', { event: 'project.delete', target_url: 'https://listener.example/x' });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body).toMatchObject({ error: expect.any(String), issues: [{ path: 'event', message: expect.any(String) }] });
    const noUrl = await hub('POST', '/subscription', { event: 'project.update' });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.issues[0].path).toBe('target_url');
  });

  it('authenticates with the bare key in Authorization (or Bearer), 401 otherwise, and keeps tenants apart', async () => {
    expect((await fleet.call('GET', '/hubplanner/subscription', undefined, null)).status).toBe(401);
    expect((await fleet.call('GET', '/hubplanner/subscription', undefined, null, providerAuth.hubplanner('hfk_nope'))).status).toBe(401);
    expect((await fleet.call('GET', '/hubplanner/subscription', undefined, tenant.api_key)).status).toBe(200);
    const other = await fleet.createTenant('hubplanner-other');
    const created = await hub('POST', '/subscription', { event: 'resource.update', target_url: 'https://listener.example/mine' });
    const theirs = await fleet.call('DELETE', `/hubplanner/subscription/${created.body._id}`, undefined, null, providerAuth.hubplanner(other.api_key));
    expect(theirs.status).toBe(404);
    const otherList = await fleet.call('GET', '/hubplanner/subscription', undefined, null, providerAuth.hubplanner(other.api_key));
    expect(otherList.body).toEqual([]);
  });

  it('makes subscriptions visible at /v1/subscriptions with profile hubplanner', async () => {
    const native = await fleet.call('GET', '/v1/subscriptions?profile=hubplanner&limit=500', undefined, tenant.api_key);
    expect(native.body.data.length).toBeGreaterThan(10);
    expect(native.body.data.every((entry: { profile: string }) => entry.profile === 'hubplanner')).toBe(true);
  });
});
