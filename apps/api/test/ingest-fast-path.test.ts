import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';

/** Raw HTTP, so a test chooses chunked bodies and exact headers. */
function post(url: string, path: string, body: string | Buffer, headers: Record<string, string>, chunked = false): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const request = httpRequest(target, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers, ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'), headers: response.headers }));
    });
    request.on('error', reject);
    if (chunked) for (let index = 0; index < body.length; index += 16) request.write(body.slice(index, index + 16));
    else request.write(body);
    request.end();
  });
}

describe("the operator's single-event fast path answers exactly as the Express route", () => {
  let fleet: TestFleet;
  let tenant: { id: string };
  const event = (id: string) => JSON.stringify({ tenant: tenant.id, profile: 'standard', type: 'a.b', id, data: { n: 1 } });

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  it('accepts an event, then answers the same id as a duplicate, with or without a byte order mark', async () => {
    const first = await post(fleet.api.url, '/v1/events', event('fast-1'), { 'content-type': 'application/json' });
    expect([first.status, first.body]).toEqual([202, { id: 'fast-1', deduplicated: false }]);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const again = await post(fleet.api.url, '/v1/events', `\uFEFF${event('fast-1')}`, {});
    expect([again.status, again.body]).toEqual([200, { id: 'fast-1', deduplicated: true }]);
  });

  it('gives what it does not take to Express: chunked bodies, query strings, other charsets, tenant keys', async () => {
    expect((await post(fleet.api.url, '/v1/events', event('fast-chunked'), { 'content-type': 'application/json' }, true)).status).toBe(202);
    expect((await post(fleet.api.url, '/v1/events?x=1', event('fast-query'), { 'content-type': 'application/json' })).status).toBe(202);
    expect((await post(fleet.api.url, '/v1/events', event('fast-latin'), { 'content-type': 'application/json; charset=latin1' })).status).toBe(400);
    const created = await fleet.call('POST', '/v1/tenants', { name: 'other' });
    expect((await post(fleet.api.url, '/v1/events', event('fast-tenant'), { authorization: `Bearer ${created.body.api_key}` })).status).toBe(403);
    expect((await post(fleet.api.url, '/v1/events', event('fast-nobody'), { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('answers bad bodies in the contract shape', async () => {
    const notObject = await post(fleet.api.url, '/v1/events', '"just a string"', {});
    expect(notObject.status).toBe(400);
    expect(notObject.body).toEqual({ error: 'body is not valid JSON', code: 'invalid_json', issues: [{ path: '(body)', message: 'malformed JSON' }] });
    const invalid = await post(fleet.api.url, '/v1/events', JSON.stringify({ tenant: tenant.id, profile: 'standard', type: 'a.b' }), {});
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['data']);
  });

  it('refuses a body that is not valid UTF-8 instead of storing U+FFFD in its place, on both paths and the batch route', async () => {
    const latin1 = (id: string) => Buffer.concat([Buffer.from(event(id).replace('{"n":1}', '{"name":"caf')), Buffer.from([0xe9]), Buffer.from('"}}')]);
    const notJson = { error: 'body is not valid JSON', code: 'invalid_json', issues: [{ path: '(body)', message: 'malformed JSON' }] };
    const fast = await post(fleet.api.url, '/v1/events', latin1('utf8-fast'), { 'content-type': 'application/json' });
    expect([fast.status, fast.body]).toEqual([400, notJson]);
    const chunked = await post(fleet.api.url, '/v1/events', latin1('utf8-chunked'), { 'content-type': 'application/json' }, true);
    expect([chunked.status, chunked.body]).toEqual([400, notJson]);
    const batch = Buffer.concat([Buffer.from('{"events":['), latin1('utf8-batch'), Buffer.from(']}')]);
    expect((await post(fleet.api.url, '/v1/events/batch', batch, { 'content-type': 'application/json' })).status).toBe(400);
    for (const id of ['utf8-fast', 'utf8-chunked', 'utf8-batch']) expect((await fleet.call('GET', `/v1/events/${id}`)).status).toBe(404);
    // The same text in UTF-8 is taken as sent, on both paths.
    const utf8 = (id: string) => event(id).replace('{"n":1}', '{"name":"café"}');
    expect((await post(fleet.api.url, '/v1/events', utf8('utf8-ok-fast'), { 'content-type': 'application/json' })).status).toBe(202);
    expect((await post(fleet.api.url, '/v1/events', utf8('utf8-ok-chunked'), { 'content-type': 'application/json' }, true)).status).toBe(202);
    for (const id of ['utf8-ok-fast', 'utf8-ok-chunked']) expect((await fleet.call('GET', `/v1/events/${id}`)).body.data).toEqual({ name: 'café' });
  });

  it('counts its requests in the HTTP duration histogram under the route', async () => {
    const metrics = await fetch(`${fleet.api.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/hookfleet_http_request_duration_seconds_count\{method="POST",route="\/v1\/events",status_code="202"\} [1-9]/);
  });
});

describe("the operator's batch fast path answers exactly as the Express route", () => {
  let fleet: TestFleet;
  let tenant: { id: string };
  const event = (id: string, data: unknown = { n: 1 }) => ({ tenant: tenant.id, profile: 'standard', type: 'a.b', id, data });
  const batch = (events: unknown[]) => JSON.stringify({ events });
  /** The same body on the fast path (known length) and through Express (chunked): status, body and headers that matter. */
  const both = async (fastBody: string, expressBody: string) => {
    const fast = await post(fleet.api.url, '/v1/events/batch', fastBody, { 'content-type': 'application/json' });
    const express = await post(fleet.api.url, '/v1/events/batch', expressBody, { 'content-type': 'application/json' }, true);
    const shape = (answer: typeof fast) => ({ status: answer.status, body: answer.body, cache: answer.headers['cache-control'], type: answer.headers['content-type'] });
    return { fast: shape(fast), express: shape(express), fastHeaders: fast.headers, expressHeaders: express.headers };
  };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  it('accepts a batch and then answers its ids as duplicates, in the order sent', async () => {
    const { fast, express, fastHeaders, expressHeaders } = await both(batch([event('fb-1'), event('fb-2')]), batch([event('fb-2'), event('fb-1'), event('fb-3')]));
    expect(fast).toEqual({ status: 202, body: { results: [{ id: 'fb-1', deduplicated: false }, { id: 'fb-2', deduplicated: false }] }, cache: 'no-store', type: 'application/json; charset=utf-8' });
    expect(express).toEqual({
      status: 202,
      body: { results: [{ id: 'fb-2', deduplicated: true }, { id: 'fb-1', deduplicated: true }, { id: 'fb-3', deduplicated: false }] },
      cache: 'no-store',
      type: 'application/json; charset=utf-8',
    });
    // Express's res.json tags its answers; the fast path writes its own (what shows which path answered).
    expect([fastHeaders.etag, typeof expressHeaders.etag]).toEqual([undefined, 'string']);
    expect((await fleet.call('GET', '/v1/events/fb-2')).body.data).toEqual({ n: 1 });
  });

  it.each([
    ['an invalid member', () => batch([event('fb-bad-1'), { ...event('fb-bad-2'), type: 7 }])],
    ['a member too deep', () => batch([event('fb-deep', JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`))])],
    ['a body too deep outside the events', () => JSON.stringify({ events: [event('fb-env')], extra: JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) })],
    ['no events', () => batch([])],
    ['not an object', () => '[1, 2]'],
  ])('answers %s with the same 400', async (_case, body: () => string) => {
    const { fast, express } = await both(body(), body());
    expect(fast.status).toBe(400);
    // Status, body and type alike (the fast path also says no-store on its refusals, which Express's body checks omit).
    expect({ ...fast, cache: undefined }).toEqual({ ...express, cache: undefined });
  });

  it('counts its requests in the HTTP duration histogram under the route', async () => {
    const metrics = await fetch(`${fleet.api.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/hookfleet_http_request_duration_seconds_count\{method="POST",route="\/v1\/events\/batch",status_code="202"\} [1-9]/);
  });
});
