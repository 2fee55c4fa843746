import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

const INTEGRATION = '79606358-97af-4196-b64c-5f719433d56b';

/** JSON text of `levels` nested objects ({"a":{"a":…1}}): `levels` = 1 is {"a":1}. */
const nestedText = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/**
 * Every JSON hookfleet stores obeys the 64-level limit (issue 21, item 9), on every route: Gigapay's `metadata` stored
 * 2,000 levels and answered 500 at 10,000 before.
 */
describe('JSON nesting depth, on every route', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let subscriptionId: string;

  const gigapay = (method: string, path: string, body: string) =>
    fleet.call(method, `/gigapay/v2/webhooks/${path}`, body, null, { ...providerAuth.gigapay(tenant.api_key, INTEGRATION), 'content-type': 'application/json' });

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('json-depth');
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: 'https://example.com/hook', events: ['depth.*'] });
    subscriptionId = created.body.id;
  });
  afterAll(() => fleet.stop());

  const gigapayBody = (levels: number) => `{"url":"https://example.com/gigapay","events":["Payout.created"],"metadata":{"deep":${nestedText(levels)}}}`;

  /** A request with a raw body (a value this deep is built as text), given the ids created in beforeAll. */
  type Request = (ids: { tenant: string; subscription: string }) => { gigapay?: true; method: string; path: string; body: string };
  it.each<[string, Request]>([
    ['Gigapay POST metadata, 65 levels', () => ({ gigapay: true, method: 'POST', path: '', body: gigapayBody(65) })],
    ['Gigapay POST metadata, 2,000 levels', () => ({ gigapay: true, method: 'POST', path: '', body: gigapayBody(2_000) })],
    ['Gigapay POST metadata, 10,000 levels', () => ({ gigapay: true, method: 'POST', path: '', body: gigapayBody(10_000) })],
    ['native POST /v1/subscriptions metadata, 10,000 levels', (ids) => ({ method: 'POST', path: '/v1/subscriptions', body: `{"tenant":"${ids.tenant}","url":"https://example.com/x","events":["depth.*"],"metadata":{"deep":${nestedText(10_000)}}}` })],
    ['native PATCH metadata, 65 levels', (ids) => ({ method: 'PATCH', path: `/v1/subscriptions/${ids.subscription}`, body: `{"metadata":{"deep":${nestedText(65)}}}` })],
    ['native POST /v1/events/batch data, 10,000 levels', (ids) => ({ method: 'POST', path: '/v1/events/batch', body: `[{"tenant":"${ids.tenant}","profile":"standard","type":"depth.deep","data":${nestedText(10_000)}}]` })],
    ['native POST /v1/tenants, an unknown field 10,000 levels deep', () => ({ method: 'POST', path: '/v1/tenants', body: `{"name":"x","extra":${nestedText(10_000)}}` })],
  ])('%s → 400 naming the path', async (_label, request) => {
    const { gigapay: toGigapay, method, path, body } = request({ tenant: tenant.id, subscription: subscriptionId });
    const answer = toGigapay ? await gigapay(method, path, body) : await fleet.call(method, path, body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/metadata|data|extra|deep|\(body\)/);
    expect(JSON.stringify(answer.body)).toMatch(/64 levels/);
  });

  it('takes 64 levels below the field that stores them (Gigapay metadata and native metadata), and nothing deeper was stored', async () => {
    const created = await gigapay('POST', '', `{"url":"https://example.com/gigapay-64","events":["Payout.created"],"metadata":{"deep":${nestedText(63)}}}`);
    expect(created.status).toBe(201);
    const native = await fleet.call('PATCH', `/v1/subscriptions/${subscriptionId}`, `{"metadata":{"deep":${nestedText(63)}}}`);
    expect(native.status).toBe(200);
    const listed = await fleet.call('GET', '/gigapay/v2/webhooks/', undefined, null, providerAuth.gigapay(tenant.api_key, INTEGRATION));
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('gigapay"');
    expect(listed.body.results.map((webhook: { url: string }) => webhook.url)).toEqual(['https://example.com/gigapay-64']);
  });
});
