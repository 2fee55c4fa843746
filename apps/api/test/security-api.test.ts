import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { errorAnswer } from '../src/error-handler.js';
import { providerAuth } from './compat-auth.js';

/** One raw HTTP/1.1 request (headers a fetch client would merge or refuse), answered in full: the status line and the rest. */
function rawRequest(port: number, head: string): Promise<{ statusLine: string; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}Connection: close\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve({ statusLine: text.split('\r\n')[0] ?? '', text }));
    socket.on('error', reject);
  });
}

describe('answers an attacker can use: headers, CORS, method overrides, Authorization edge cases', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let port: number;

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant('security-api');
    port = Number(new URL(fleet.api.url).port);
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fleet.api.url}${path}`, { headers, redirect: 'manual' });

  it('sends nosniff and refuses framing on every kind of answer: JSON, errors, /docs, the queue board, the portal', async () => {
    const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const answers: Array<[string, Response]> = [
      ['JSON', await get('/v1/subscriptions', { authorization: `Bearer ${tenant.api_key}` })],
      ['401', await get('/v1/subscriptions')],
      ['404', await get('/no/such/path')],
      ['400', await fetch(`${fleet.api.url}/v1/subscriptions`, { method: 'POST', headers: { authorization: `Bearer ${tenant.api_key}` }, body: '{' })],
      ['GET /', await get('/')],
      ['/docs', await get('/docs')],
      ['/docs/init.js', await get('/docs/init.js')],
      ['/docs/assets', await get('/docs/assets/swagger-ui.css')],
      ['/openapi.json', await get('/openapi.json')],
      ['/metrics', await get('/metrics')],
      ['/admin/queues without the token', await get('/admin/queues')],
      ['/admin/queues', await get('/admin/queues', operator)],
      ['/admin/queues API', await get('/admin/queues/api/queues', operator)],
      ['/portal/', await get('/portal/')],
      [
        'POST /v1/events (the ingest fast path)',
        await fetch(`${fleet.api.url}/v1/events`, {
          method: 'POST',
          headers: { ...operator, 'content-type': 'application/json' },
          body: JSON.stringify({ tenant: tenant.id, profile: 'standard', type: 'security.checked', data: {} }),
        }),
      ],
      ['POST /v1/events refused on the fast path', await fetch(`${fleet.api.url}/v1/events`, { method: 'POST', headers: { ...operator, 'content-type': 'application/json' }, body: '{"tenant":1}' })],
    ];
    const missing = answers.flatMap(([label, response]) => {
      const headers = { nosniff: response.headers.get('x-content-type-options'), frame: response.headers.get('x-frame-options') };
      return headers.nosniff === 'nosniff' && headers.frame === 'DENY' ? [] : [`${label} (${response.status}): ${JSON.stringify(headers)}`];
    });
    expect(missing).toEqual([]);
    for (const [, response] of answers) await response.arrayBuffer();
    // The portal keeps its own, stricter policy on top.
    expect(answers.find(([label]) => label === '/portal/')?.[1].headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });

  it('says no-store on the compat answers that hold a provider secret, and leaves static files and the JWKS cacheable', async () => {
    const created: Array<[string, Promise<{ status: number; body: unknown; headers: Headers }>]> = [
      ['hub planner', fleet.call('POST', '/hubplanner/subscription', { event: 'project.update', target_url: 'https://example.com/hub', authorization_token: 'hub-token-at-rest' }, null, providerAuth.hubplanner(tenant.api_key))],
      ['gigapay', fleet.call('POST', '/gigapay/v2/webhooks/', { url: 'https://example.com/giga', events: ['Payout.created'], secret_key: 'gigapay-secret-key' }, null, providerAuth.gigapay(tenant.api_key, 'integration-1'))],
      ['hub planner list', fleet.call('GET', '/hubplanner/subscription', undefined, null, providerAuth.hubplanner(tenant.api_key))],
    ];
    for (const [label, pending] of created) {
      const answer = await pending;
      expect({ label, status: answer.status < 300, cache: answer.headers.get('cache-control') }).toEqual({ label, status: true, cache: 'no-store' });
    }
    expect(JSON.stringify((await (created[1] as (typeof created)[number])[1]).body)).toContain('gigapay-secret-key');
    expect((await get('/docs/assets/swagger-ui.css')).headers.get('cache-control')).toMatch(/max-age=3600/);
    expect((await get(`/v1/tenants/${tenant.id}/signing-keys`)).headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('grants no other origin a CORS read, with or without credentials', async () => {
    const origin = 'https://attacker.example';
    const preflight = await fetch(`${fleet.api.url}/v1/subscriptions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-hookfleet-portal, content-type' },
    });
    const read = await get('/v1/subscriptions', { origin, authorization: `Bearer ${tenant.api_key}` });
    const compat = await fetch(`${fleet.api.url}/paybook/v1/webhooks`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    for (const response of [preflight, read, compat]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      await response.arrayBuffer();
    }
    expect(read.status).toBe(200);
  });

  it('ignores method-override headers and parameters on native routes', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'https://example.com/keep', events: ['a.b'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const path = `/v1/subscriptions/${created.body.id}`;
    for (const header of ['x-http-method-override', 'x-http-method', 'x-method-override']) {
      const response = await fetch(`${fleet.api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tenant.api_key}`, [header]: 'DELETE' } });
      expect({ header, status: response.status }).toEqual({ header, status: 404 });
    }
    expect((await fetch(`${fleet.api.url}${path}?_method=DELETE`, { method: 'POST', headers: { authorization: `Bearer ${tenant.api_key}` } })).status).toBe(404);
    expect((await fleet.call('GET', path, undefined, tenant.api_key)).status).toBe(200);
  });

  it('reads Bearer as docs/api.md says: the scheme in any case, blanks around the key ignored, nothing else taken', async () => {
    const key = tenant.api_key;
    const cases: Array<[string, number]> = [
      [`Bearer ${key}`, 200],
      [`bearer ${key}`, 200],
      [`BEARER ${key}`, 200],
      [`Bearer  ${key}`, 200],
      [`Bearer\t${key}`, 200],
      [`Bearer ${key}   `, 200],
      [`Bearer ${key} extra`, 401],
      [`Bearer ${key},Bearer ${key}`, 401],
      [key, 401],
      [`Token ${key}`, 401],
      [`Basic ${Buffer.from(`user:${key}`).toString('base64')}`, 401],
      ['Bearer', 401],
      ['Bearer ', 401],
      [`Bearer hfk_${'a'.repeat(8000)}`, 401],
      [`Bearer hfp_${'a'.repeat(8000)}`, 401],
    ];
    for (const [authorization, status] of cases) {
      const response = await get('/v1/subscriptions', { authorization });
      const label = authorization.replace(key, '<key>').slice(0, 40);
      expect({ label, status: response.status }).toEqual({ label, status });
      expect(await response.text()).not.toContain(key);
    }
  });

  it('takes only the first of two Authorization headers, and answers an oversized one 431 without echoing it', async () => {
    const request = (first: string, second: string) => rawRequest(port, `GET /v1/subscriptions HTTP/1.1\r\nHost: x\r\nAuthorization: ${first}\r\nAuthorization: ${second}\r\n`);
    expect((await request('Bearer wrong', `Bearer ${tenant.api_key}`)).statusLine).toBe('HTTP/1.1 401 Unauthorized');
    expect((await request(`Bearer ${tenant.api_key}`, 'Bearer wrong')).statusLine).toBe('HTTP/1.1 200 OK');
    const huge = `hfk_${'x'.repeat(20_000)}`;
    const oversized = await rawRequest(port, `GET /v1/subscriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${huge}\r\n`);
    expect(oversized.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(oversized.text).toContain('"code":"headers_too_large"');
    expect(oversized.text).not.toContain('xxxxxxxx');
  });
});

describe('a 500 tells the caller nothing about the inside', () => {
  it('answers a defect with the plain sentence and logs the detail instead', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
    const defect = new Error("ENOENT: no such file or directory, open '/srv/hookfleet/apps/api/dist/secret.json'");
    const answer = errorAnswer(defect, logger);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: expect.any(String), code: 'internal' });
    const body = JSON.stringify(answer.body);
    for (const inside of ['/srv/hookfleet', 'ENOENT', 'at ', '.ts:', '.js:']) expect(body).not.toContain(inside);
    expect(lines.join('')).toContain('ENOENT');
  });
});
