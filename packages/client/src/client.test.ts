import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestReceiver, type Responder } from '../../../test/receiver.js';
import { createClient } from './client.js';
import { HookfleetApiError, HookfleetConnectionError, HookfleetRepeatedCursorError, HookfleetTimeoutError, HookfleetValidationError } from './errors.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

const event = { tenant: 'ten_1', profile: 'standard', type: 'order.paid', data: { total: 42 } };

/** A stub API: each test answers on its own path prefix, so tests do not see each other's requests. */
const routes = new Map<string, Responder>();
const api = new TestReceiver((request, count) => {
  const prefix = `/${request.path.split('/')[1]}`;
  const responder = routes.get(prefix);
  return responder ? responder(request, count) : json(404, { error: 'no stub', code: 'not_found' });
});

function stub(name: string, responder: Responder) {
  routes.set(`/${name}`, responder);
  return {
    client: createClient({ url: api.url(`/${name}`), token: 'op-token', retry: { limit: 3, baseDelayMs: 20 } }),
    requests: () => api.requests.filter((request) => request.path.startsWith(`/${name}/`)),
  };
}

beforeAll(async () => {
  await api.start();
});

afterAll(async () => {
  await api.stop();
});

describe('the client against a stub API', () => {
  it('retries a POST after a 503 and returns the 200 answer, with the same client-made event id', async () => {
    const { client, requests } = stub('flaky', (request, count) => {
      const id = JSON.parse(request.body).id as string;
      return count === 1 ? json(503, { error: 'storage unavailable, try again', code: 'unavailable' }) : json(202, { id, deduplicated: false });
    });
    const result = await client.publish(event);
    expect(requests()).toHaveLength(2);
    const sentIds = requests().map((request) => JSON.parse(request.body).id);
    expect(sentIds[0]).toMatch(/^evt_/);
    expect(sentIds[1]).toBe(sentIds[0]);
    expect(result).toEqual({ id: sentIds[0], deduplicated: false });
    expect(requests()[0]?.headers.authorization).toBe('Bearer op-token');
  });

  it('keeps an event id the caller gives', async () => {
    const { client, requests } = stub('own-id', (request) => json(202, { id: JSON.parse(request.body).id, deduplicated: false }));
    await expect(client.publish({ ...event, id: 'order-42-paid' })).resolves.toEqual({ id: 'order-42-paid', deduplicated: false });
    expect(JSON.parse(requests()[0]!.body)).toEqual({ ...event, id: 'order-42-paid' });
  });

  it('waits out Retry-After on a 429 before trying again', async () => {
    const { client, requests } = stub('limited', (_request, count) =>
      count === 1 ? json(429, { error: 'slow down', code: 'rate_limited' }, { 'retry-after': '1' }) : json(202, { id: 'evt_x', deduplicated: false }),
    );
    await expect(client.publish(event)).resolves.toMatchObject({ deduplicated: false });
    const [first, second] = requests();
    expect(requests()).toHaveLength(2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('does not retry a 400 and throws HookfleetApiError with the issues', async () => {
    const issues = [{ path: 'type', message: 'not in the catalogue of profile standard' }];
    const { client, requests } = stub('invalid', () => json(400, { error: 'invalid event', code: 'validation_failed', issues }));
    const failure = client.publish(event);
    await expect(failure).rejects.toBeInstanceOf(HookfleetApiError);
    await expect(failure).rejects.toMatchObject({ status: 400, code: 'validation_failed', issues, method: 'POST', path: '/v1/events' });
    await expect(failure).rejects.toThrow('answered 400 invalid event: type: not in the catalogue of profile standard');
    expect(requests()).toHaveLength(1);
  });

  it('gives up after retry.limit retries with the last answer', async () => {
    const { client, requests } = stub('down', () => json(502, { error: 'bad gateway' }));
    await expect(client.subscriptions.get('sub_1')).rejects.toMatchObject({ status: 502, code: 'http_502' });
    expect(requests()).toHaveLength(4);
  });

  it('does not wait a Retry-After longer than maxDelayMs, and says how long it was', async () => {
    routes.set('/patient', () => json(503, { error: 'maintenance' }, { 'retry-after': '120' }));
    const client = createClient({ url: api.url('/patient'), retry: { maxDelayMs: 5_000 } });
    await expect(client.publish(event)).rejects.toMatchObject({ status: 503, retryAfterMs: 120_000 });
    expect(api.requests.filter((request) => request.path.startsWith('/patient/'))).toHaveLength(1);
  });

  it('sends a tenant creation again after a 500 or 502 with the same Idempotency-Key, a new key for each call', async () => {
    const flaky = stub('tenant-500', (_request, count) =>
      count === 1 ? json(500, { error: 'internal error', code: 'internal' }) : count === 2 ? json(502, { error: 'bad gateway' }) : json(201, { id: 'ten_1', name: 'acme', api_key: 'hfk_1' }),
    );
    await expect(flaky.client.createTenant('acme')).resolves.toMatchObject({ id: 'ten_1', api_key: 'hfk_1' });
    await flaky.client.createTenant('acme');
    const keys = flaky.requests().map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys.slice(0, 3)).toEqual([keys[0], keys[0], keys[0]]);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it('refuses an invalid event before sending, naming every field path', async () => {
    const { client, requests } = stub('local', () => json(202, {}));
    const failure = client.publishBatch([event, { ...event, tenant: '', data: undefined }, { ...event, id: 'bad id!' }]);
    await expect(failure).rejects.toBeInstanceOf(HookfleetValidationError);
    await expect(failure).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [
        { path: 'events.1.tenant', message: expect.any(String) },
        { path: 'events.1.data', message: 'required: any JSON value' },
        { path: 'events.2.id', message: 'letters, digits and _ . : - only' },
      ],
    });
    expect(requests()).toHaveLength(0);
  });

  it('sends more than 500 events in several requests and returns the results in order', async () => {
    const { client, requests } = stub('batch', (request) => {
      const { events } = JSON.parse(request.body) as { events: Array<{ id: string }> };
      return json(202, { results: events.map(({ id }) => ({ id, deduplicated: false })) });
    });
    const events = Array.from({ length: 1_201 }, (_, index) => ({ ...event, id: `order-${index}` }));
    const results = await client.publishBatch(events);
    expect(requests().map((request) => JSON.parse(request.body).events.length)).toEqual([500, 500, 201]);
    expect(results.map((result) => result.id)).toEqual(events.map((item) => item.id));
  });

  it("says which events a batch over 500 had published when a later request is refused: the error's accepted", async () => {
    const { client, requests } = stub('batch-refused', (request, count) => {
      const { events } = JSON.parse(request.body) as { events: Array<{ id: string }> };
      if (count === 2) return json(400, { error: 'invalid event', code: 'validation_failed', issues: [{ path: 'events.200.data.total', message: 'must be integer' }] });
      return json(202, { results: events.map(({ id }) => ({ id, deduplicated: false })) });
    });
    const events = Array.from({ length: 1_200 }, (_, index) => ({ ...event, id: `order-${index}` }));
    const refused = await client.publishBatch(events).catch((error: unknown) => error);
    expect(requests()).toHaveLength(2);
    expect(refused).toBeInstanceOf(HookfleetApiError);
    expect(refused).toMatchObject({ status: 400, issues: [{ path: 'events.700.data.total', message: 'must be integer' }] });
    expect((refused as HookfleetApiError).accepted?.map((result) => result.id)).toEqual(events.slice(0, 500).map((item) => item.id));
  });

  it('leaves accepted unset when the first request of a batch is refused', async () => {
    const { client } = stub('batch-refused-first', () => json(400, { error: 'invalid event', code: 'validation_failed' }));
    const refused = await client.publishBatch([event]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HookfleetApiError);
    expect((refused as HookfleetApiError).accepted).toBeUndefined();
  });

  it('rejects invalid input rather than throwing, so .catch() and Promise.allSettled see it', async () => {
    const { client, requests } = stub('rejects', () => json(202, {}));
    const calls: Array<() => Promise<unknown>> = [
      () => client.publish({ ...event, type: '' }),
      () => client.createTenant(''),
      () => client.subscriptions.create({ url: 'not a url', events: ['a.b'] }),
      () => client.subscriptions.list({ limit: 0 }),
      () => client.subscriptions.update('sub_1', { events: [] }),
    ];
    for (const call of calls) {
      let answer: Promise<unknown> | undefined;
      expect(() => (answer = call())).not.toThrow();
      await expect(answer).rejects.toBeInstanceOf(HookfleetValidationError);
    }
    expect(requests()).toHaveLength(0);
  });

  it('pauses between empty pages when the poller does not long-poll, instead of asking again at once', async () => {
    const { client, requests } = stub('empty-poll', () => json(200, { data: [], next: 'cDI6' }));
    const stop = new AbortController();
    const loop = (async () => {
      for await (const message of client.subscriptions.poller('sub_1', { waitSeconds: 0, signal: stop.signal })) void message;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    await loop;
    // One fetch, then a pause of a second that the abort ends; without it, as many fetches as 300 ms allow.
    expect(requests()).toHaveLength(1);
  });

  it('pauses after an empty page the API answered before the long-poll was up, instead of asking again at once', async () => {
    // As an API shutting down answers every long-poll, or one that holds requests for less than asked.
    const { client, requests } = stub('early-empty-poll', () => json(200, { data: [], next: 'cDI6' }));
    const stop = new AbortController();
    const loop = (async () => {
      for await (const message of client.subscriptions.poller('sub_1', { waitSeconds: 20, signal: stop.signal })) void message;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    await loop;
    expect(requests()).toHaveLength(1);
    expect(requests()[0]?.path).toMatch(/wait=20/);
  });

  it('sends query parameters and reads an empty 204', async () => {
    const { client, requests } = stub('crud', (request) =>
      request.method === 'DELETE' ? { status: 204 } : json(200, { data: [], next_cursor: null }),
    );
    await expect(client.subscriptions.list({ tenant: 'ten_1', limit: 10 })).resolves.toEqual({ data: [], next_cursor: null });
    await expect(client.subscriptions.delete('sub 1')).resolves.toBeUndefined();
    expect(requests().map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /crud/v1/subscriptions?tenant=ten_1&limit=10',
      'DELETE /crud/v1/subscriptions/sub%201',
    ]);
  });

  it('takes a 404 to a DELETE retried after a try that may have deleted (a proxy 502) as deleted, and only then', async () => {
    const lost = stub('delete-lost', (_request, count) => (count === 1 ? json(502, { error: 'bad gateway' }) : json(404, { error: 'subscription sub_1 not found', code: 'not_found' })));
    await expect(lost.client.subscriptions.delete('sub_1')).resolves.toBeUndefined();
    expect(lost.requests().map((request) => request.method)).toEqual(['DELETE', 'DELETE']);

    // A 503 says the API did nothing: the 404 after it is the truth, and so is a 404 on the first try.
    const refused = stub('delete-refused', (_request, count) => (count === 1 ? json(503, { error: 'unavailable', code: 'unavailable' }) : json(404, { error: 'subscription sub_1 not found', code: 'not_found' })));
    await expect(refused.client.subscriptions.delete('sub_1')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    const missing = stub('delete-missing', () => json(404, { error: 'subscription sub_1 not found', code: 'not_found' }));
    await expect(missing.client.subscriptions.delete('sub_1')).rejects.toMatchObject({ status: 404 });
    expect(missing.requests()).toHaveLength(1);
  });

  it('reports a redirect instead of following it with the token', async () => {
    const { client, requests } = stub('moved', () => ({ status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    await expect(client.deliveries.get('dlv_1')).rejects.toMatchObject({ status: 307, code: 'http_307' });
    expect(requests()).toHaveLength(1);
  });

  it('walks every page with listAll, sending the query and each next_cursor, and fetches no page after a break', async () => {
    const pages: Record<string, { data: Array<{ id: string }>; next_cursor: string | null }> = {
      '': { data: [{ id: 'sub_1' }, { id: 'sub_2' }], next_cursor: 'c2' },
      c2: { data: [{ id: 'sub_3' }, { id: 'sub_4' }], next_cursor: 'c3' },
      c3: { data: [{ id: 'sub_5' }], next_cursor: null },
    };
    const { client, requests } = stub('pages', (request) => json(200, pages[new URL(request.path, 'http://x').searchParams.get('cursor') ?? ''] ?? { data: [], next_cursor: null }));
    const ids: string[] = [];
    for await (const subscription of client.subscriptions.listAll({ tenant: 'ten_1', limit: 2 })) ids.push(subscription.id);
    expect(ids).toEqual(['sub_1', 'sub_2', 'sub_3', 'sub_4', 'sub_5']);
    expect(requests().map((request) => request.path)).toEqual([
      '/pages/v1/subscriptions?tenant=ten_1&limit=2',
      '/pages/v1/subscriptions?tenant=ten_1&limit=2&cursor=c2',
      '/pages/v1/subscriptions?tenant=ten_1&limit=2&cursor=c3',
    ]);

    // From a cursor the caller gives; breaking out inside a page asks for no further page.
    const taken: string[] = [];
    for await (const delivery of client.deliveries.listAll({ subscription: 'sub_1', status: 'dead', limit: 2, cursor: 'c2' })) {
      taken.push(delivery.id);
      if (taken.length === 1) break;
    }
    expect(taken).toEqual(['sub_3']);
    expect(requests().slice(3).map((request) => request.path)).toEqual(['/pages/v1/deliveries?subscription=sub_1&status=dead&limit=2&cursor=c2']);

    const since = new Date('2030-01-01T00:00:00.000Z');
    const events: string[] = [];
    for await (const summary of client.events.listAll({ tenant: 'ten_1', since })) events.push(summary.id);
    expect(events).toHaveLength(5);
    expect(requests()[4]?.path).toBe(`/pages/v1/events?tenant=ten_1&since=${encodeURIComponent(since.toISOString())}`);
  });

  it('lists event types a page at a time, and walks every page of them with listAll', async () => {
    const entry = (type: string) => ({ profile: 'standard', type, description: '', schema: null, deprecated: false });
    const pages: Record<string, { data: Array<ReturnType<typeof entry>>; next_cursor: string | null }> = {
      '': { data: [entry('a.one'), entry('a.two')], next_cursor: 'e2' },
      e2: { data: [entry('b.one')], next_cursor: null },
    };
    const { client, requests } = stub('type-pages', (request) => json(200, pages[new URL(request.path, 'http://x').searchParams.get('cursor') ?? ''] ?? { data: [], next_cursor: null }));
    const first = await client.eventTypes.list({ profile: 'standard', limit: 2 });
    expect(first).toEqual({ data: [entry('a.one'), entry('a.two')], next_cursor: 'e2' });
    await expect(client.eventTypes.list({ profile: 'standard', limit: 2, cursor: first.next_cursor ?? undefined })).resolves.toEqual(pages.e2);
    const types: string[] = [];
    for await (const eventType of client.eventTypes.listAll({ profile: 'standard', limit: 2 })) types.push(eventType.type);
    expect(types).toEqual(['a.one', 'a.two', 'b.one']);
    expect(requests().map((request) => request.path)).toEqual([
      '/type-pages/v1/event-types?profile=standard&limit=2',
      '/type-pages/v1/event-types?profile=standard&limit=2&cursor=e2',
      '/type-pages/v1/event-types?profile=standard&limit=2',
      '/type-pages/v1/event-types?profile=standard&limit=2&cursor=e2',
    ]);
  });

  it('stops walking pages when next_cursor leads back to a page read two pages before', async () => {
    const { client, requests } = stub('cycle', (request) => json(200, { data: [{ id: request.path.includes('cursor=b') ? 'evt_b' : 'evt_a' }], next_cursor: request.path.includes('cursor=b') ? 'a' : 'b' }));
    const seen: string[] = [];
    const walk = (async () => {
      for await (const summary of client.events.listAll({ tenant: 'ten_1' })) seen.push(summary.id);
    })();
    await expect(walk).rejects.toThrow(HookfleetRepeatedCursorError);
    expect(seen).toEqual(['evt_a', 'evt_b', 'evt_a']);
    expect(requests()).toHaveLength(3);
  });

  it('stops walking pages with a HookfleetRepeatedCursorError when next_cursor leads back to itself, and checks the query first', async () => {
    const { client, requests } = stub('stuck', () => json(200, { data: [{ id: 'evt_1' }], next_cursor: 'same' }));
    const seen: string[] = [];
    const walk = (async () => {
      for await (const summary of client.events.listAll({ tenant: 'ten_1', cursor: 'same' })) seen.push(summary.id);
    })();
    await expect(walk).rejects.toThrow(HookfleetRepeatedCursorError);
    await expect(walk).rejects.toThrow('already given (same)');
    expect(seen).toEqual(['evt_1']);
    expect(requests()).toHaveLength(1);

    const invalid = (async () => {
      for await (const subscription of client.subscriptions.listAll({ limit: 0 })) void subscription;
    })();
    await expect(invalid).rejects.toBeInstanceOf(HookfleetValidationError);
    expect(requests()).toHaveLength(1);
  });

  it('retries rotateSecret after a 500 under one Idempotency-Key, named or generated, and checks the secret before sending', async () => {
    const named = stub('rotate-named', (request, count) =>
      count === 1 ? json(500, { error: 'internal error', code: 'internal' }) : json(200, { id: 'sub_1', secret: JSON.parse(request.body).secret }),
    );
    const secret = `whsec_${Buffer.from('a fresh secret of 24 b!!').toString('base64')}`;
    await expect(named.client.subscriptions.rotateSecret('sub_1', { secret })).resolves.toMatchObject({ secret });
    expect(named.requests().map((request) => `${request.method} ${request.path} ${request.body}`)).toEqual([
      `POST /rotate-named/v1/subscriptions/sub_1/rotate-secret {"secret":"${secret}"}`,
      `POST /rotate-named/v1/subscriptions/sub_1/rotate-secret {"secret":"${secret}"}`,
    ]);

    const generated = stub('rotate-generated', (_request, count) => (count === 1 ? json(500, { error: 'internal error', code: 'internal' }) : json(200, { id: 'sub_1', secret: 'whsec_new' })));
    await expect(generated.client.subscriptions.rotateSecret('sub_1')).resolves.toMatchObject({ secret: 'whsec_new' });
    expect(generated.requests().map((request) => request.body)).toEqual(['{}', '{}']);
    const [first, second] = generated.requests().map((request) => request.headers['idempotency-key']);
    expect(second).toBe(first);

    const refused = generated.client.subscriptions.rotateSecret('sub_1', { secret: 'short' });
    await expect(refused).rejects.toBeInstanceOf(HookfleetValidationError);
    await expect(refused).rejects.toMatchObject({ issues: [{ path: 'secret', message: expect.any(String) }] });
    expect(generated.requests()).toHaveLength(2);
  });

  it('reads the secret, stats and backlog of a subscription at their paths', async () => {
    const { client, requests } = stub('reads', (request) => {
      if (request.path.endsWith('/secret')) return json(200, { secret: 'whsec_x', previous_secret_expires_at: null });
      if (request.path.endsWith('/backlog')) return json(200, { messages: 3, oldest_waiting_since: '2030-01-01T00:00:00.000Z', oldest_waiting_seconds: 9 });
      return json(200, { window_hours: 24, attempts: 0, succeeded: 0, success_ratio: null, hourly: [] });
    });
    await expect(client.subscriptions.secret('sub 1')).resolves.toEqual({ secret: 'whsec_x', previous_secret_expires_at: null });
    await expect(client.subscriptions.stats('sub_1')).resolves.toMatchObject({ window_hours: 24, success_ratio: null });
    await expect(client.subscriptions.backlog('sub_1')).resolves.toMatchObject({ messages: 3, oldest_waiting_seconds: 9 });
    expect(requests().map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /reads/v1/subscriptions/sub%201/secret',
      'GET /reads/v1/subscriptions/sub_1/stats',
      'GET /reads/v1/subscriptions/sub_1/backlog',
    ]);
  });

  it('reaches later routes through request()', async () => {
    const { client, requests } = stub('raw', () => json(200, { data: [{ profile: 'standard', type: 'order.paid', description: '' }] }));
    await expect(client.request('GET', '/v1/event-types', undefined, { query: { profile: 'standard' } })).resolves.toMatchObject({ data: [{ type: 'order.paid' }] });
    expect(requests()[0]?.path).toBe('/raw/v1/event-types?profile=standard');
  });
});

describe('the client without an API', () => {
  it('turns a refused connection into a one-line HookfleetConnectionError', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createClient({ url: `http://127.0.0.1:${port}`, retry: { limit: 1, baseDelayMs: 10 } });
    const failure = client.deliveries.get('dlv_1');
    await expect(failure).rejects.toBeInstanceOf(HookfleetConnectionError);
    await expect(failure).rejects.toMatchObject({ code: 'unreachable', errorCode: 'ECONNREFUSED' });
    await expect(failure).rejects.toThrow(new RegExp(`^cannot reach hookfleet at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)[^\\n]*$`));
  });

  it('turns a silent API into a HookfleetTimeoutError', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = createClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 200, retry: { limit: 1, baseDelayMs: 10 } });
      await expect(client.deliveries.get('dlv_1')).rejects.toBeInstanceOf(HookfleetTimeoutError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
