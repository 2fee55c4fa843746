import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { assertChromium, launchChromium } from '../../../test/chromium.js';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { PORTAL_COOKIE } from '../src/portal/index.js';

const PORTAL_PAGE = { 'x-hookfleet-portal': '1' };
const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/** The session cookie a sign-in sets, as `name=value`, and its attributes. */
function sessionCookie(setCookie: string | null): { pair: string; attributes: string[] } {
  const [pair = '', ...attributes] = (setCookie ?? '').split(';').map((part) => part.trim());
  expect(pair.startsWith(`${PORTAL_COOKIE}=hfp_`)).toBe(true);
  return { pair, attributes: attributes.map((attribute) => attribute.toLowerCase()) };
}

async function signIn(fleet: TestFleet, authorization: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fleet.api.url}/portal/session`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', ...PORTAL_PAGE, ...headers },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return sessionCookie(response.headers.get('set-cookie'));
}

describe('portal sessions end with the tenant key that opened them', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const link = async (token: string, body: unknown = {}) => {
    const response = await fleet.call('POST', '/v1/portal-sessions', body, token);
    expect(response.status).toBe(201);
    return tokenOf(response.body.url);
  };
  const rotate = async (tenantId: string, previousKeyExpiresIn: number) => {
    const response = await fleet.call('POST', `/v1/tenants/${tenantId}/api-key/rotate`, { previous_key_expires_in: previousKeyExpiresIn });
    expect(response.status).toBe(200);
    return response.body.api_key as string;
  };
  const listWith = async (token: string) => (await fleet.call('GET', '/v1/subscriptions', undefined, token)).status;
  const listWithCookie = async (cookie: string) => (await fetch(`${fleet.api.url}/v1/subscriptions`, { headers: { cookie, ...PORTAL_PAGE } })).status;

  it('refuses the links and sessions of a key revoked at once, and keeps the operator’s', async () => {
    const tenant = await fleet.createTenant('leaked-key');
    const keyLink = await link(tenant.api_key, { expires_in: 86400 });
    const { pair: keyCookie } = await signIn(fleet, `Bearer ${tenant.api_key}`);
    const operatorLink = await link(ADMIN_TOKEN, { tenant: tenant.id });
    expect([await listWith(keyLink), await listWithCookie(keyCookie), await listWith(operatorLink)]).toEqual([200, 200, 200]);

    const newKey = await rotate(tenant.id, 0);
    expect(await listWith(tenant.api_key)).toBe(401);
    // What the leaked key opened goes with it, the link it made for a day included.
    expect(await listWith(keyLink)).toBe(401);
    expect(await listWithCookie(keyCookie)).toBe(401);
    expect((await fleet.call('GET', '/portal/session', undefined, keyLink)).status).toBe(401);
    expect(await listWith(operatorLink)).toBe(200);
    expect(await listWith(await link(newKey))).toBe(200);
  });

  it('keeps a link working while its key is in its grace period, and ends it when that key is revoked', async () => {
    const tenant = await fleet.createTenant('rolled-key');
    const firstLink = await link(tenant.api_key);
    const secondKey = await rotate(tenant.id, 3600);
    expect(await listWith(firstLink)).toBe(200);
    const secondLink = await link(secondKey);
    // A second rotation revokes the key rotated out by the first one (docs/api.md, "Tenants and keys").
    await rotate(tenant.id, 3600);
    expect(await listWith(firstLink)).toBe(401);
    expect(await listWith(secondLink)).toBe(200);
  });

  it('carries the key’s end over from a link to the cookie it is exchanged for', async () => {
    const tenant = await fleet.createTenant('link-to-cookie');
    const { pair } = await signIn(fleet, `Bearer ${await link(tenant.api_key)}`);
    expect(await listWithCookie(pair)).toBe(200);
    await rotate(tenant.id, 0);
    expect(await listWithCookie(pair)).toBe(401);
  });
});

describe('the portal session cookie is Secure wherever the portal is reached over https', () => {
  const cases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
    ['plain http, no public address', {}, {}, false],
    ['HOOKFLEET_PUBLIC_URL=https://… behind a TLS-terminating proxy', { HOOKFLEET_PUBLIC_URL: 'https://hooks.example.com' }, {}, true],
    ['HOOKFLEET_TRUST_PROXY with X-Forwarded-Proto: https', { HOOKFLEET_TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https' }, true],
    ['X-Forwarded-Proto: https not trusted', {}, { 'x-forwarded-proto': 'https' }, false],
  ];

  it.each(cases)('%s', async (_label, environment, headers, secure) => {
    const fleet = await startFleet(environment, { workers: 0 });
    try {
      const tenant = await fleet.createTenant('cookie-flags');
      const { attributes } = await signIn(fleet, `Bearer ${tenant.api_key}`, headers);
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
      expect(attributes.includes('secure')).toBe(secure);
      const signOut = await fetch(`${fleet.api.url}/portal/session`, { method: 'DELETE', headers: { ...PORTAL_PAGE, ...headers } });
      expect(signOut.status).toBe(204);
      // Clearing must carry the same flag: a browser ignores a plain cookie written over a Secure one.
      expect((signOut.headers.get('set-cookie') ?? '').toLowerCase().includes('; secure')).toBe(secure);
    } finally {
      await fleet.stop();
    }
  });
});

describe('the portal cookie cannot be ridden from another origin', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let cookie: string;
  let sibling: Server;
  let siblingUrl: string;
  let browser: Browser | undefined;
  const attackerUrl = 'https://attacker.example/hook';

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant('csrf');
    cookie = (await signIn(fleet, `Bearer ${tenant.api_key}`)).pair;
    // Another origin on the same site (127.0.0.1, another port): the SameSite=Strict cookie is sent to the API from here.
    sibling = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>sibling</title>'));
    await new Promise<void>((resolve) => sibling.listen(0, '127.0.0.1', resolve));
    siblingUrl = `http://127.0.0.1:${(sibling.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => {
      sibling.close(() => resolve());
      sibling.closeAllConnections();
    });
    await fleet.stop();
  });

  /** The tenant's subscriptions that point at the attacker, from the forged requests whose path starts so. */
  const attackerSubscriptions = async (pathStart: string) => {
    const list = await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key);
    return (list.body.data as Array<{ url: string }>).filter((subscription) => subscription.url.startsWith(`${attackerUrl}/${pathStart}`)).length;
  };
  const body = (path: string) => JSON.stringify({ url: `${attackerUrl}/${path}`, events: ['a.b'] });

  it('refuses a form post or a script carrying the cookie from a foreign origin, and takes the portal page’s own call', async () => {
    const forged: Array<[string, Record<string, string>, string, number]> = [
      ['form, text/plain', { 'content-type': 'text/plain', origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }, body('form-text'), 401],
      // Every body is read as JSON (json-body.ts), so a urlencoded one is a 400 before credentials are looked at.
      ['form, urlencoded', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }, 'url=x&events=a.b', 400],
      ['script with the header, cross-site', { 'content-type': 'application/json', origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site', ...PORTAL_PAGE }, body('script-cross'), 401],
      ['script with the header, same-site sibling', { 'content-type': 'application/json', origin: siblingUrl, 'sec-fetch-site': 'same-site', ...PORTAL_PAGE }, body('script-sibling'), 401],
    ];
    for (const [label, headers, payload, status] of forged) {
      const response = await fetch(`${fleet.api.url}/v1/subscriptions`, { method: 'POST', headers: { cookie, ...headers }, body: payload });
      expect({ label, status: response.status }).toEqual({ label, status });
    }
    // A sign-in from another origin is refused too (no session planted in the victim's browser).
    const planted = await fetch(`${fleet.api.url}/portal/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.api_key}`, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', ...PORTAL_PAGE },
      body: '{}',
    });
    expect(planted.status).toBe(403);
    expect(((await planted.json()) as { error: string }).error).toContain('another origin (Sec-Fetch-Site)');
    expect(planted.headers.get('set-cookie')).toBeNull();
    expect(await attackerSubscriptions('')).toBe(0);

    const own = await fetch(`${fleet.api.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...PORTAL_PAGE },
      body: JSON.stringify({ url: 'https://example.com/own', events: ['a.b'] }),
    });
    expect(own.status).toBe(201);
  });

  it('in Chromium: a sibling origin’s form and scripts create nothing, the portal page’s own calls work', async () => {
    assertChromium();
    browser = await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    await page.goto(link.body.url);
    await waitFor(async () => (await context.cookies(fleet.api.url)).some((stored) => stored.name === PORTAL_COOKIE), { message: 'the portal page exchanged its link for the cookie' });

    // The portal's own origin: Chromium marks the call same-origin, and it goes through.
    const own = await page.evaluate(async () => {
      const response = await fetch('/v1/subscriptions', { method: 'POST', headers: { 'x-hookfleet-portal': '1', 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/own-browser', events: ['a.b'] }) });
      return response.status;
    });
    expect(own).toBe(201);

    await page.goto(siblingUrl);
    const outcomes = await page.evaluate(
      async ({ api, attacker }) => {
        const send = (path: string, init: RequestInit) =>
          fetch(`${api}/v1/subscriptions`, { method: 'POST', credentials: 'include', ...init, body: JSON.stringify({ url: `${attacker}/${path}`, events: ['a.b'] }) }).then(
            (response) => `answered ${response.type}`,
            () => 'blocked',
          );
        const script = await send('browser-script', { headers: { 'x-hookfleet-portal': '1', 'content-type': 'application/json' } });
        const simple = await send('browser-simple', { mode: 'no-cors', headers: { 'content-type': 'text/plain' } });
        // A real form post, into a frame of its own.
        const frame = document.createElement('iframe');
        frame.name = 'sink';
        document.body.append(frame);
        const form = Object.assign(document.createElement('form'), { method: 'POST', action: `${api}/v1/subscriptions`, enctype: 'text/plain', target: 'sink' });
        const field = Object.assign(document.createElement('input'), { name: `{"url":"${attacker}/browser-form","events":["a.b"],"x":"`, value: '"}' });
        form.append(field);
        document.body.append(form);
        const posted = new Promise<string>((resolve) => {
          frame.addEventListener('load', () => resolve('posted'), { once: true });
          setTimeout(() => resolve('no load event'), 10_000);
        });
        form.submit();
        return { script, simple, form: await posted };
      },
      { api: fleet.api.url, attacker: attackerUrl },
    );
    // The script with the header never leaves the browser (its preflight gets no CORS answer); the others reach the
    // API with the cookie and no header, and are refused.
    expect(outcomes).toEqual({ script: 'blocked', simple: 'answered opaque', form: 'posted' });
    expect(await attackerSubscriptions('browser-')).toBe(0);
    await context.close();
  });
});
