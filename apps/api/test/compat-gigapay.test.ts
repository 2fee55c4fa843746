import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gigapayProfile } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

const INTEGRATION = '79606358-97af-4196-b64c-5f719433d56b';
const webhookSchema = gigapayProfile.compat.routes.find((route) => route.operation === 'get')!.answer!;
const pageSchema = gigapayProfile.compat.routes.find((route) => route.operation === 'list')!.answer!;
const SECRET_KEY = /^[a-z0-9]{32}$/;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the Gigapay compat API (/gigapay/v2/webhooks/)', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let gigapay: (method: string, path: string, body?: unknown, headers?: Record<string, string>, integration?: string | null) => ReturnType<TestFleet['call']>;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('gigapay-compat');
    gigapay = (method, path, body, headers = {}, integration = INTEGRATION) =>
      fleet.call(method, `/gigapay/v2/webhooks/${path}`, body, null, { ...providerAuth.gigapay(tenant.api_key, integration ?? undefined), ...headers });
  });
  afterAll(() => fleet.stop());

  it('registers the documented webhook: a uuid4 id, a 32-character secret_key and empty metadata', async () => {
    const created = await gigapay('POST', '', { url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created'] });
    expect(created.status).toBe(201);
    expect(webhookSchema.safeParse(created.body).success).toBe(true);
    expect(created.body).toEqual({ id: expect.stringMatching(UUID4), url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created'], secret_key: expect.stringMatching(SECRET_KEY), metadata: {} });
    expect(Object.keys(created.body)).toEqual(['id', 'url', 'events', 'secret_key', 'metadata']);
    const retrieved = await gigapay('GET', `${created.body.id}/`);
    expect(retrieved.body).toEqual(created.body);
  });

  it('takes a client-chosen id, unique per Integration-ID, and an error on reuse', async () => {
    const body = { id: '481272', url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created'], secret_key: 'c1329a085d65f7757838df5920fdcc9a', metadata: { team: 'payouts' } };
    const created = await gigapay('POST', '', body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(body);
    const reused = await gigapay('POST', '', body);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ id: [expect.any(String)] });
    const elsewhere = await gigapay('POST', '', body, {}, 'another-integration');
    expect(elsewhere.status).toBe(201);
    expect((await gigapay('GET', '481272/', undefined, {}, 'another-integration')).body.url).toBe(body.url);
  });

  it('updates with PATCH: the document\'s request and response', async () => {
    const patched = await gigapay('PATCH', '481272/', { events: ['Payout.created', 'Payout.notified'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ id: '481272', url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created', 'Payout.notified'], secret_key: 'c1329a085d65f7757838df5920fdcc9a', metadata: { team: 'payouts' } });
  });

  it('replaces with PUT: the document\'s request, a new 32-character secret_key and metadata back to {}', async () => {
    const replaced = await gigapay('PUT', '481272/', { url: 'https://jobmatchr.se/webhooks/payruns/', events: ['Payrun.created'] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ id: '481272', url: 'https://jobmatchr.se/webhooks/payruns/', events: ['Payrun.created'], secret_key: expect.stringMatching(SECRET_KEY), metadata: {} });
    expect(replaced.body.secret_key).not.toBe('c1329a085d65f7757838df5920fdcc9a');
    const keep = await gigapay('PUT', '481272/', { url: 'https://jobmatchr.se/webhooks/payruns/', events: ['Payrun.created', 'Payrun.paid'], secret_key: 'vksnrsc6tamq73tc26rzrnzf33a4pgdv' });
    expect(keep.body.secret_key).toBe('vksnrsc6tamq73tc26rzrnzf33a4pgdv');
    const missing = await gigapay('PUT', '481272/', { events: ['Payrun.created'] });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ url: [expect.any(String)] });
  });

  it('renames a webhook whose PATCH sends a new id', async () => {
    const renamed = await gigapay('PATCH', '481272/', { id: 'payruns-hook' });
    expect(renamed.body.id).toBe('payruns-hook');
    expect((await gigapay('GET', '481272/')).status).toBe(404);
    expect((await gigapay('GET', 'payruns-hook/')).body.url).toBe('https://jobmatchr.se/webhooks/payruns/');
  });

  it('lists in pages of page_size (default 25): count, next, previous, results', async () => {
    for (let index = 0; index < 3; index += 1) await gigapay('POST', '', { url: `https://jobmatchr.se/webhooks/employees/${index}`, events: ['Employee.verified'] });
    const all = await gigapay('GET', '');
    expect(all.status).toBe(200);
    expect(pageSchema.safeParse(all.body).success).toBe(true);
    expect(all.body).toMatchObject({ count: 5, next: null, previous: null });
    expect(all.body.results).toHaveLength(5);
    const first = await gigapay('GET', '?page_size=2');
    expect(first.body).toMatchObject({ count: 5, previous: null });
    expect(first.body.next).toMatch(/\/gigapay\/v2\/webhooks\/\?page=2&page_size=2$/);
    const second = await gigapay('GET', '?page=2&page_size=2');
    expect(second.body.previous).toMatch(/\/gigapay\/v2\/webhooks\/\?page=1&page_size=2$/);
    expect(second.body.next).toMatch(/page=3&page_size=2$/);
    expect([...first.body.results, ...second.body.results, ...(await gigapay('GET', '?page=3&page_size=2')).body.results].map((webhook: { id: string }) => webhook.id)).toEqual(
      all.body.results.map((webhook: { id: string }) => webhook.id),
    );
    expect(await gigapay('GET', '?page=9')).toMatchObject({ status: 404, body: { detail: 'Invalid page.' } });
  });

  it('deletes with an empty answer', async () => {
    const deleted = await gigapay('DELETE', 'payruns-hook/');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    expect(await gigapay('GET', 'payruns-hook/')).toMatchObject({ status: 404, body: { detail: 'Not found.' } });
  });

  it('answers the first request\'s answer for an Idempotency-Key reused within 24 h, creating nothing more', async () => {
    const body = { url: 'https://jobmatchr.se/webhooks/once/', events: ['Payout.accepted'] };
    const first = await gigapay('POST', '', body, { 'Idempotency-Key': 'afjkakkknbkasaskkaksdakjdnsakja' });
    const second = await gigapay('POST', '', body, { 'Idempotency-Key': 'afjkakkknbkasaskkaksdakjdnsakja' });
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: first.body });
    const third = await gigapay('POST', '', body, { 'Idempotency-Key': 'another-key' });
    expect(third.body.id).not.toBe(first.body.id);
    const listed = await gigapay('GET', '?page_size=100');
    expect(listed.body.results.filter((webhook: { url: string }) => webhook.url === body.url)).toHaveLength(2);
  });

  it('needs Integration-ID for integration events but not for user-scoped Registration.* ones', async () => {
    const userScoped = await gigapay('POST', '', { url: 'https://jobmatchr.se/webhooks/registrations/', events: ['Registration.verified'] }, {}, null);
    expect(userScoped.status).toBe(201);
    const needsIntegration = await gigapay('POST', '', { url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created'] }, {}, null);
    expect(needsIntegration.status).toBe(400);
    expect(needsIntegration.body).toEqual({ non_field_errors: [expect.stringContaining('Integration-ID')] });
    // Each integration sees its own webhooks.
    expect((await gigapay('GET', `${userScoped.body.id}/`)).status).toBe(404);
    expect((await gigapay('GET', `${userScoped.body.id}/`, undefined, {}, null)).status).toBe(200);
  });

  it('answers in Django REST framework\'s style: field errors, 401 and 404 details', async () => {
    const invalid = await gigapay('POST', '', { url: 'nope', events: ['Payout.exploded'] });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body).sort()).toEqual(['events', 'url']);
    const anonymous = await fleet.call('GET', '/gigapay/v2/webhooks/', undefined, null);
    expect(anonymous).toMatchObject({ status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    expect(anonymous.headers.get('www-authenticate')).toBe('Token');
    const wrong = await fleet.call('GET', '/gigapay/v2/webhooks/', undefined, null, providerAuth.gigapay('hfk_wrong', INTEGRATION));
    expect(wrong).toMatchObject({ status: 401, body: { detail: 'Invalid token.' } });
    const stranger = await fleet.createTenant('gigapay-stranger');
    const listed = await fleet.call('GET', '/gigapay/v2/webhooks/', undefined, null, providerAuth.gigapay(stranger.api_key, INTEGRATION));
    expect(listed.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it('takes the Invoice.created and Invoice.paid events Gigapay lists among its callbacks', async () => {
    const created = await gigapay('POST', '', { url: 'https://jobmatchr.se/webhooks/invoices/', events: ['Invoice.created', 'Invoice.paid'] }, {}, 'int-invoices');
    expect(created.status).toBe(201);
    expect(created.body.events).toEqual(['Invoice.created', 'Invoice.paid']);
    const types = await fleet.call('GET', '/v1/event-types?profile=gigapay', undefined, tenant.api_key);
    expect(types.body.data.map((type: { type: string }) => type.type)).toEqual(expect.arrayContaining(['Invoice.created', 'Invoice.paid']));
  });

  it('makes ordinary subscriptions, visible at /v1/subscriptions with profile gigapay and their metadata', async () => {
    const native = await fleet.call('GET', '/v1/subscriptions?profile=gigapay&limit=500', undefined, tenant.api_key);
    expect(native.body.data.length).toBeGreaterThan(5);
    expect(native.body.data.every((subscription: { profile: string }) => subscription.profile === 'gigapay')).toBe(true);
  });
});
