import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** The `headers`, `retry` and `timeout_ms` fields of a native subscription: stored, shown, reset and refused. */
describe("a subscription's own headers, ladder, timeout and batch through the API", () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  const base = { profile: 'standard', events: ['a.b'], url: 'http://127.0.0.1:9/a' };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  const create = (body: Record<string, unknown>) => fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, ...base, ...body });

  it('shows the defaults on every answer: no headers, the profile ladder, the fleet timeout', async () => {
    const created = await create({});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ headers: {}, retry: null, timeout_ms: null });
    const listed = await fleet.call('GET', `/v1/subscriptions?limit=500`, undefined, tenant.api_key);
    expect(listed.body.data.find((entry: { id: string }) => entry.id === created.body.id)).toMatchObject({ headers: {}, retry: null, timeout_ms: null });
  });

  it('stores them, fills max_attempts in, and a PATCH with null goes back to the defaults', async () => {
    const created = await create({ headers: { 'X-Env': 'prod' }, retry: { delays_seconds: [5, 60, 600] }, timeout_ms: 2500 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ headers: { 'X-Env': 'prod' }, retry: { delays_seconds: [5, 60, 600], max_attempts: 4 }, timeout_ms: 2500 });
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { retry: null, timeout_ms: null, headers: { 'X-Team': 'a' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ headers: { 'X-Team': 'a' }, retry: null, timeout_ms: null });
    const read = await fleet.call('GET', `/v1/subscriptions/${created.body.id}`);
    expect(read.body).toMatchObject({ headers: { 'X-Team': 'a' }, retry: null, timeout_ms: null });
    // Headers too: null is none of its own, as every other option's null is its default.
    const cleared = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { headers: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.headers).toEqual({});
  });

  it.each([
    [{ headers: { 'Content-Type': 'text/plain' } }, 'headers.Content-Type'],
    [{ headers: { 'content-length': '1' } }, 'headers.content-length'],
    [{ headers: { Host: 'example.com' } }, 'headers.Host'],
    [{ headers: { 'User-Agent': 'x' } }, 'headers.User-Agent'],
    [{ headers: { 'Webhook-Signature': 'v1,x' } }, 'headers.Webhook-Signature'],
    [{ headers: { 'webhook-id': 'x' } }, 'headers.webhook-id'],
    [{ headers: { 'X-Paymo-Signature': 'x' }, profile: 'paymo' }, 'headers.X-Paymo-Signature'],
    [{ headers: { 'Hubplanner-Token': 'x' }, profile: 'hubplanner' }, 'headers.Hubplanner-Token'],
    [{ headers: { 'Bad Name': 'x' } }, 'headers.Bad Name'],
    [{ headers: { 'X-Injected': 'a\r\nX-Evil: 1' } }, 'headers.X-Injected'],
    [{ headers: { 'X-A': 'a', 'x-a': 'b' } }, 'headers.x-a'],
    [{ headers: Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`X-H${index}`, 'v'])) }, 'headers'],
    [{ headers: { 'X-Big': 'v'.repeat(4096) } }, 'headers'],
    [{ retry: { delays_seconds: [0] } }, 'retry.delays_seconds.0'],
    [{ retry: { delays_seconds: Array.from({ length: 20 }, () => 1) } }, 'retry.delays_seconds'],
    [{ retry: { delays_seconds: Array.from({ length: 8 }, () => 86_400) } }, 'retry.delays_seconds'],
    [{ retry: { delays_seconds: [5], max_attempts: 3 } }, 'retry.max_attempts'],
    [{ retry: { delays_seconds: [5], tries: 3 } }, 'retry.tries'],
    [{ batch: { max_events: 10, max_wait_ms: 100 }, profile: 'paymo' }, 'batch'],
    [{ batch: { max_events: 10, max_wait_ms: 100 }, ordered: true }, 'batch'],
    [{ timeout_ms: 999 }, 'timeout_ms'],
    [{ timeout_ms: 30_001 }, 'timeout_ms'],
  ])('refuses case %# with a 400 naming %s', async (fields, path) => {
    const events = 'profile' in fields && fields.profile !== 'standard' ? { events: [fields.profile === 'paymo' ? 'model.insert.Task' : 'project.update'] } : {};
    const response = await create({ ...events, ...fields });
    expect([response.status, response.body.code]).toEqual([400, 'validation_failed']);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('refuses a reserved header on PATCH too, and keeps what was stored', async () => {
    const created = await create({ headers: { 'X-Env': 'prod' } });
    const refused = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { headers: { 'WEBHOOK-TIMESTAMP': '1' } });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'headers.WEBHOOK-TIMESTAMP' })]);
    expect((await fleet.call('GET', `/v1/subscriptions/${created.body.id}`)).body.headers).toEqual({ 'X-Env': 'prod' });
  });
});
