import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

// A TLS-terminating proxy in front of the API: what it tells the API about the address clients used.
const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hooks.example.com' };

/** The public address as the API hands it out: a portal link's base, and the OpenAPI document's server. */
async function publicAddresses(fleet: TestFleet, tenant: { api_key: string }, headers: Record<string, string> = {}) {
  const session = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key, headers);
  expect(session.status).toBe(201);
  const openapi = await fleet.call('GET', '/openapi.json', undefined, null, headers);
  expect(openapi.status).toBe(200);
  return { portal: (session.body.url as string).replace(/#token=.*$/, ''), servers: openapi.body.servers };
}

describe.each([
  ['no public URL, untrusted forwarded headers (the default)', {}],
  ['HOOKFLEET_TRUST_PROXY=false', { HOOKFLEET_TRUST_PROXY: 'false' }],
])('the public address with %s', (_name, env) => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  beforeAll(async () => {
    fleet = await startFleet(env, { workers: 0 });
    tenant = await fleet.createTenant('public-url');
  });
  afterAll(() => fleet.stop());

  it('is the address the caller reached, whatever X-Forwarded-* a client sends', async () => {
    for (const headers of [{}, FORWARDED]) {
      expect(await publicAddresses(fleet, tenant, headers)).toEqual({ portal: `${fleet.api.url}/portal/`, servers: [{ url: fleet.api.url }] });
    }
  });
});

describe('the public address with HOOKFLEET_TRUST_PROXY=true', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_TRUST_PROXY: 'true' }, { workers: 0 });
    tenant = await fleet.createTenant('public-url');
  });
  afterAll(() => fleet.stop());

  it.each([
    ['both forwarded headers', FORWARDED, 'https://hooks.example.com'],
    [
      'the first of a chain of proxies',
      { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'hooks.example.com, internal:8080' },
      'https://hooks.example.com',
    ],
    ['only X-Forwarded-Proto (the Host header names the host)', { 'x-forwarded-proto': 'https' }, 'https://127.0.0.1:PORT'],
    [
      'a forwarded host that is no host (a path or user in it), ignored',
      { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example/x?' },
      'https://127.0.0.1:PORT',
    ],
    ['a scheme that is not http(s), ignored', { 'x-forwarded-proto': 'javascript' }, 'http://127.0.0.1:PORT'],
    ['no forwarded headers', {}, 'http://127.0.0.1:PORT'],
  ])('follows %s', async (_name, headers, base) => {
    const expected = base.replace('PORT', String(fleet.api.port));
    expect(await publicAddresses(fleet, tenant, headers)).toEqual({ portal: `${expected}/portal/`, servers: [{ url: expected }] });
  });
});

describe('the public address with HOOKFLEET_PUBLIC_URL', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_PUBLIC_URL: 'https://example.com/hookfleet/', HOOKFLEET_TRUST_PROXY: 'true' }, { workers: 0 });
    tenant = await fleet.createTenant('public-url');
  });
  afterAll(() => fleet.stop());

  it('is the configured URL, path prefix kept, over the request and any forwarded header', async () => {
    for (const headers of [{}, { ...FORWARDED, 'x-forwarded-host': 'attacker.example' }]) {
      expect(await publicAddresses(fleet, tenant, headers)).toEqual({
        portal: 'https://example.com/hookfleet/portal/',
        servers: [{ url: 'https://example.com/hookfleet' }],
      });
    }
  });
});
