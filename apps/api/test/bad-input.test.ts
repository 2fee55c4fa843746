import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { profiles, type CompatApi } from '@hookfleet/profiles';
import { nativeRoutes } from '../src/routes/native-routes.js';
import type { NativeRoute } from '../src/routes/route-table.js';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** Property runs per route: enough to hit every kind of bad input below a few times, small enough for `npm test`. */
const RUNS = Number(process.env.HOOKFLEET_FUZZ_RUNS ?? 24);
const MIB = 1024 * 1024;

interface BadRequest {
  /** Raw body text (undefined: none). */
  body?: string;
  contentType?: string;
  /** Replaces the route's fixture id in the path (raw, already encoded or deliberately not). */
  id?: string;
  query?: string;
}

const unicodeEdges = [
  '\ud800', '\udfff', 'a\ud83d', '\u0000', '\ufeff', '\u202e', '\u2028', '\uffff', '🙂👩‍👩‍👧', 'e\u0301\u0301\u0301', 'İıß', '𝔘𝔫𝔦', '\t\r\n', ' ',
  '%00', '%', '..%2f..', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x}', '__proto__', 'constructor', 'prototype',
  '-Infinity', 'NaN', '1e400', '1e400d', '99999999999999999999d', '-1', '0', '2020-13-45T99:99:99Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z',
];

/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (as U+FFFD, what a client would send). */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function nested(depth: number, object: boolean): string {
  return object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** JSON values that are wrong for almost any field: other types, edge strings, huge strings, deep nesting. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: fc.constantFrom(...unicodeEdges) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 100_000, 700_000).map((length) => 'x'.repeat(length)) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 53, -(2 ** 63), 1e308, 0.5, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.constantFrom(64, 1_000, 20_000).map((depth) => ({ __raw: nested(depth, depth % 2 === 0) })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...unicodeEdges), { maxLength: 600 }) },
);

/** JSON text with raw (pre-serialised) fragments spliced in where weirdValue asked for deep nesting. */
function serialise(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === 'object' && '__raw' in item) {
      raws.push(String((item as { __raw: string }).__raw));
      return `__RAW_${raws.length - 1}__`;
    }
    return item;
  });
  return (text ?? 'null').replace(/"__RAW_(\d+)__"/g, (_match, index: string) => raws[Number(index)] ?? 'null');
}

/** Bad bodies built around a valid one: a field made wrong, a field added, the root replaced, the text broken. */
function badBody(valid: Record<string, unknown>): fc.Arbitrary<BadRequest> {
  const keys = Object.keys(valid);
  const fieldMadeWrong = fc.tuple(keys.length ? fc.constantFrom(...keys) : fc.constant('x'), weirdValue).map(([key, value]) => ({ body: serialise({ ...valid, [key]: value }) }));
  const fieldAdded = fc.tuple(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...unicodeEdges)), weirdValue).map(([key, value]) => ({ body: serialise({ ...valid, [key]: value }) }));
  const nestedFieldWrong = fc.tuple(keys.length ? fc.constantFrom(...keys) : fc.constant('x'), weirdValue).map(([key, value]) => ({ body: serialise({ ...valid, [key]: { deeper: [value] } }) }));
  const rootReplaced = weirdValue.map((value) => ({ body: serialise(value) }));
  const broken = fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', ',', '"', '\\', '\u0000', 'NaN', '\ud800')).map(([cut, junk]) => {
    const text = JSON.stringify(valid);
    const at = text.length ? cut % text.length : 0;
    return { body: `${text.slice(0, at)}${junk}` };
  });
  const garbage = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('', ' ', 'null', 'undefined', '{"a":1}{"b":2}', '\ufeff{}', "{'single':1}", '{"a":1,}', '[1,2', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}')).map((body) => ({ body }));
  const otherTypes = fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', ''), fc.constant(JSON.stringify(valid))).map(([contentType, body]) => ({ body, contentType }));
  return fc.oneof(
    { weight: 4, arbitrary: fieldMadeWrong },
    { weight: 2, arbitrary: fieldAdded },
    { weight: 1, arbitrary: nestedFieldWrong },
    { weight: 2, arbitrary: rootReplaced },
    { weight: 2, arbitrary: broken },
    { weight: 1, arbitrary: garbage },
    { weight: 1, arbitrary: otherTypes },
  );
}

const badId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }).map(encode),
  fc.constantFrom(...unicodeEdges).map(encode),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%C0%AF', '%ED%A0%80', '..%2F..%2Fv1%2Ftenants', 'x'.repeat(5_000), '%00', '.', '..'),
);

function badQuery(keys: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...keys, 'limit', 'cursor', 'since', 'until', 'tenant', 'profile', 'status', 'subscription'), fc.string({ maxLength: 10 }));
  const value = fc.oneof(fc.constantFrom(...unicodeEdges), fc.string({ maxLength: 30 }), fc.constantFrom('x'.repeat(10_000), '-5', '0', '501', '1.5', '1e3', '[]', '{}'));
  return fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.map(([name, item]) => `${encode(name)}=${encode(item)}`).join('&'));
}

describe('bad input at every route', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  const fixtures: Record<string, string> = {};
  const serverErrors: string[] = [];

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    // No management rate limit: the fuzz is about input, and a 429 would answer most of it before any input is read
    // (compat routes take from the tenant key's bucket too).
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001', HOOKFLEET_TENANT_API_RATE: '0' });
    tenant = await fleet.createTenant('fuzz');
    const subscription = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/fuzz'), events: ['*'] }, tenant.api_key);
    fixtures.subscriptions = subscription.body.id;
    const event = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'fuzz.seed', data: {} });
    fixtures.events = event.body.id;
    await waitFor(() => receiver.forPath('/fuzz').length > 0);
    fixtures.deliveries = String(receiver.forPath('/fuzz')[0]?.headers['webhook-id']);
    const recover = await fleet.call('POST', `/v1/subscriptions/${fixtures.subscriptions}/recover`, { since: '1h' }, tenant.api_key);
    fixtures.operations = recover.body.operation_id;
  });

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
  });

  /** A body each route accepts, the starting point of its bad ones. */
  function validBody(route: NativeRoute): Record<string, unknown> {
    const samples: Record<string, Record<string, unknown>> = {
      'post /v1/tenants': { name: 'fuzzed' },
      'post /v1/events': { tenant: tenant.id, profile: 'standard', type: 'fuzz.event', data: { a: 1 }, occurred_at: new Date().toISOString(), actor: { id: 1 }, fields_changed: ['a'], visible_to: [1] },
      'post /v1/events/batch': { events: [{ tenant: tenant.id, profile: 'standard', type: 'fuzz.event', data: {} }] },
      'post /v1/subscriptions': { url: receiver.url('/fuzz-created'), events: ['fuzz.*'], tenant: tenant.id, secret: 'whsec_abcdefghijkl', description: 'd', metadata: { a: 1 }, delay_seconds: 0, rate_limit: { per_second: 5 } },
      'patch /v1/subscriptions/:id': { description: 'patched', metadata: { b: 2 }, rate_limit: null },
      'post /v1/subscriptions/:id/recover': { since: '1h' },
      'post /v1/subscriptions/:id/replay': { since: '1h', types: ['fuzz.event'] },
      'post /v1/subscriptions/:id/test': { type: 'fuzz.test', data: { a: 1 } },
      'post /v1/subscriptions/:id/rotate-secret': { secret: 'whsec_0123456789abcdef' },
      'post /v1/portal-sessions': { tenant: tenant.id, expires_in: 600 },
      'post /portal/session': { tenant: tenant.id },
    };
    return samples[`${route.method} ${route.path}`] ?? {};
  }

  function pathOf(route: NativeRoute, id?: string): string {
    const collection = /^\/v1\/([a-z-]+)\/:id/.exec(route.path)?.[1] ?? '';
    return route.path.replace(':id', id ?? fixtures[collection] ?? 'none');
  }

  async function send(method: string, path: string, request: BadRequest, token: string | null = ADMIN_TOKEN) {
    const headers: Record<string, string> = { 'x-hookfleet-portal': '1' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const response = await fetch(`${fleet.api.url}${path}${request.query ? `?${request.query}` : ''}`, { method, headers, ...(request.body !== undefined && method !== 'GET' && method !== 'DELETE' ? { body: request.body } : {}) });
    const text = await response.text();
    return { status: response.status, text, contentType: response.headers.get('content-type') ?? '' };
  }

  /** Never a 5xx; a 4xx is the contract's JSON error, and a 400 names its fields. */
  function expectContractAnswer(label: string, answer: { status: number; text: string; contentType: string }, nativeShape = true): void {
    if (answer.status >= 500) serverErrors.push(`${label} → ${answer.status} ${answer.text.slice(0, 200)}`);
    expect({ label, status: answer.status < 500 }).toEqual({ label, status: true });
    if (answer.status < 400 || !nativeShape) return;
    let parsed: { error?: unknown; issues?: Array<{ path?: unknown; message?: unknown }> } = {};
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      throw new Error(`${label} → ${answer.status} is not JSON: ${answer.text.slice(0, 200)}`);
    }
    expect({ label, error: typeof parsed.error }).toEqual({ label, error: 'string' });
    expect(answer.text).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules/);
    if (answer.status === 400) {
      expect({ label, issues: Array.isArray(parsed.issues) && parsed.issues.length > 0 }).toEqual({ label, issues: true });
      for (const issue of parsed.issues ?? []) expect({ label, path: typeof issue.path, message: typeof issue.message }).toEqual({ label, path: 'string', message: 'string' });
    }
  }

  const native = nativeRoutes.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const);

  it.each(native)('%s: malformed JSON, wrong types, huge strings, deep nesting and unicode never make a 5xx', async (label, route) => {
    const method = route.method.toUpperCase();
    const withBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
    const request: fc.Arbitrary<BadRequest> = fc.record({
      ...(withBody ? { base: badBody(validBody(route)) } : { base: fc.constant({}) }),
      id: route.path.includes(':id') ? fc.option(badId, { nil: undefined }) : fc.constant(undefined),
      query: fc.option(badQuery(route.query ? Object.keys((route.query as unknown as { shape?: object }).shape ?? {}) : []), { nil: undefined }),
    }).map(({ base, id, query }) => ({ ...base, ...(id !== undefined ? { id } : {}), ...(query !== undefined ? { query } : {}) }));
    await fc.assert(
      fc.asyncProperty(request, async (bad) => {
        const answer = await send(method, pathOf(route, bad.id), bad);
        expectContractAnswer(`${label} ${JSON.stringify(bad).slice(0, 300)}`, answer, !route.auth.includes('none'));
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it.each(native.filter(([, route]) => route.method !== 'get' && route.method !== 'delete'))('%s: a body over 1 MiB is a 413 in the contract shape', async (label, route) => {
    const answer = await send(route.method.toUpperCase(), pathOf(route), { body: JSON.stringify({ ...validBody(route), padding: 'x'.repeat(MIB + 10) }) });
    expectContractAnswer(label, answer);
    expect(answer.status).toBe(413);
  });

  it('refuses an event whose data nests 10,000 levels deep with a 400, and other events published at the same moment still go through', async () => {
    const deep = { body: `{"tenant":"${tenant.id}","profile":"standard","type":"fuzz.deep","data":${nested(10_000, false)}}` };
    const [deepAnswer, ...neighbours] = await Promise.all([
      send('POST', '/v1/events', deep),
      ...Array.from({ length: 5 }, (_, index) => send('POST', '/v1/events', { body: JSON.stringify({ tenant: tenant.id, profile: 'standard', type: 'fuzz.neighbour', data: { index } }) })),
    ]);
    // The neighbours share the deep event's ingest flush: one bad event must not fail theirs.
    expect(neighbours.map((neighbour) => neighbour.status)).toEqual([202, 202, 202, 202, 202]);
    expectContractAnswer('deep event', deepAnswer as { status: number; text: string; contentType: string });
    expect(deepAnswer?.status).toBe(400);
  });

  it('refuses metadata and test data nesting 10,000 levels deep with a 400', async () => {
    const metadata = await send('POST', '/v1/subscriptions', { body: `{"url":"${receiver.url('/deep')}","events":["*"],"tenant":"${tenant.id}","metadata":{"a":${nested(10_000, true)}}}` });
    expectContractAnswer('deep metadata', metadata);
    expect(metadata.status).toBe(400);
    const test = await send('POST', `/v1/subscriptions/${fixtures.subscriptions}/test`, { body: `{"data":${nested(10_000, false)}}` });
    expectContractAnswer('deep test data', test);
    expect(test.status).toBe(400);
  });

  describe('compat routes', () => {
    const compatProfiles = profiles.filter((profile): profile is typeof profile & { compat: CompatApi } => profile.compat !== undefined);
    const cases = compatProfiles.flatMap((profile) => profile.compat.routes.map((route) => [`${profile.name} ${route.method} ${route.path}`, profile.name, route] as const));

    it.each(cases)('%s: bad input never makes a 5xx', async (label, profileName, route) => {
      const example = (route.examples?.find((entry) => entry.request !== undefined)?.request ?? {}) as Record<string, unknown>;
      const withBody = route.method !== 'GET' && route.method !== 'DELETE';
      const request = fc.record({ base: withBody ? badBody(example) : fc.constant({}), id: fc.oneof(fc.constant('1'), badId), query: fc.option(badQuery(['page', 'page_size', 'limit']), { nil: undefined }) });
      await fc.assert(
        fc.asyncProperty(request, async ({ base, id, query }) => {
          const path = `/${profileName}${route.path.replace(':id', id)}`;
          const answer = await send(route.method, path, { ...base, ...(query !== undefined ? { query } : {}) }, tenant.api_key);
          // Each provider answers errors in its own style; what every one of them owes is no 5xx.
          expectContractAnswer(`${label} ${JSON.stringify({ base, id, query }).slice(0, 300)}`, answer, false);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    }, 60_000);
  });

  it('is still up and answering after all of it', async () => {
    expect((await fleet.call('GET', '/healthz')).status).toBe(200);
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).status).toBe(200);
    if (serverErrors.length > 0) console.log(`5xx answers:\n${serverErrors.join('\n')}`);
  });
});
