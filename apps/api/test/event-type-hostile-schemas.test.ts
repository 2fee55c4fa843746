import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/**
 * Schemas an operator may register (docs/api.md, "Event types") that once broke ingest: a local `$ref` registered
 * fine and then failed every event of every type with a 500, and a backtracking `pattern` held the API process (patterns
 * now run on RE2: apps/api/src/linear-regexp.ts).
 */
describe('registered event types with $refs and patterns', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('hostile-schemas');
  });
  afterAll(() => fleet.stop());

  const publish = (type: string, data: unknown) => fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type, data });

  it('a schema with $refs into its own definitions is enforced, and every other type is still accepted', async () => {
    const schema = {
      type: 'object',
      required: ['object'],
      definitions: { money: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer', minimum: 0 } } } },
      properties: { object: { type: 'object', properties: { total: { $ref: '#/definitions/money' }, lines: { type: 'array', items: { $ref: '#/definitions/money' } } } } },
    };
    const created = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'refs.order', schema });
    expect(created.status).toBe(201);

    expect((await publish('refs.other', { anything: true })).status).toBe(202);
    expect((await publish('refs.order', { object: { total: { amount: 5 }, lines: [{ amount: 1 }] } })).status).toBe(202);
    const bad = await publish('refs.order', { object: { total: { amount: -1 }, lines: [{ amount: 1 }, {}] } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      { path: 'data.object.total.amount', message: 'must be >= 0' },
      { path: 'data.object.lines.1.amount', message: "must have required property 'amount'" },
    ]);
    const batch = await fleet.call('POST', '/v1/events/batch', {
      events: [
        { tenant: tenant.id, profile: 'standard', type: 'refs.other', data: 1 },
        { tenant: tenant.id, profile: 'standard', type: 'refs.order', data: { object: { total: { amount: 'x' } } } },
      ],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.issues).toEqual([{ path: 'events.1.data.object.total.amount', message: 'must be integer' }]);
  });

  it('a recursive schema ($ref: "#") checks every level against the registered schema itself', async () => {
    const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } } };
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'refs.tree', schema })).status).toBe(201);
    const bad = await publish('refs.tree', { name: 'root', children: [{ name: 'a' }, { children: [] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'data.children.1.name', message: "must have required property 'name'" }]);
    expect((await publish('refs.tree', { name: 'root', children: [{ name: 'a', children: [{ name: 'b' }] }] })).status).toBe(202);
  });

  it('a remote $ref is refused where it is registered, and never fetched', async () => {
    const remote = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'refs.remote', schema: { $ref: 'http://127.0.0.1:9/schema.json' } });
    expect(remote.status).toBe(400);
    expect(remote.body.issues).toEqual([{ path: 'schema', message: expect.stringContaining("can't resolve reference http://127.0.0.1:9/schema.json") }]);
  });

  it('a pattern that backtracks exponentially in JavaScript runs on RE2: accepted, and events of it are answered at once; a back-reference is a 400 naming it, on create and PATCH', async () => {
    const nested = { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } };
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'regex.code', schema: nested })).status).toBe(201);
    // 2^40 ways to split the a's: hours on a backtracking RegExp, one pass on RE2.
    const answer = await publish('regex.code', { code: `${'a'.repeat(40)}!` });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'data.code', message: 'must match pattern "^(a+)+$"' }]);
    const refused = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'regex.twice', schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } } });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'schema.properties.code.pattern', message: expect.stringContaining('refers back to a group') }]);
    const patched = await fleet.call('PATCH', '/v1/event-types/standard/regex.code', { schema: { type: 'object', patternProperties: { '^x(?=y)': {} } } });
    expect(patched.status).toBe(400);
    expect(patched.body.issues).toEqual([{ path: 'schema.patternProperties.^x(?=y)', message: expect.stringContaining('lookahead') }]);
  });

  it('uniqueItems over objects is a 400 naming it (each pair compared: 20,000 objects held the process 8 s); over strings it is enforced', async () => {
    const objects = { type: 'object', properties: { lines: { type: 'array', maxItems: 100, items: { type: 'object' }, uniqueItems: true } } };
    const refused = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'unique.lines', schema: objects });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'schema.properties.lines.uniqueItems', message: expect.stringContaining('scalar type') }]);
    const strings = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' }, uniqueItems: true } } };
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'unique.tags', schema: strings })).status).toBe(201);
    expect((await publish('unique.tags', { tags: ['a', 'b'] })).status).toBe(202);
    const duplicated = await publish('unique.tags', { tags: ['a', 'a'] });
    expect(duplicated.status).toBe(400);
    expect(duplicated.body.issues[0].path).toBe('data.tags');
  });
});
