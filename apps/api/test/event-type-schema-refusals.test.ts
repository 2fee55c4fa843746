import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/**
 * Schemas a producer may try to register (docs/api.md, "Event types") that ajv compiles but ingest cannot honour:
 * each is a 400 at its path where it is registered, and the types registered beside it keep working.
 */
describe('registered event types: $async, $schema and repeated alternatives', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('schema-refusals');
  });
  afterAll(() => fleet.stop());

  const register = (type: string, schema: unknown) => fleet.call('POST', '/v1/event-types', { profile: 'standard', type, schema });
  const publish = (type: string, data: unknown) => fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type, data });

  it('an $async schema is a 400 on create and PATCH (its validator answered a promise: every event passed, and a misfit one ended the process)', async () => {
    const refused = await register('async.order', { $async: true, type: 'object', required: ['id'] });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'schema.$async', message: expect.stringContaining('asynchronous schemas ($async) are not supported') }]);
    expect((await register('async.order', { type: 'object', required: ['id'] })).status).toBe(201);
    const patched = await fleet.call('PATCH', '/v1/event-types/standard/async.order', { schema: { $async: true, type: 'object' } });
    expect(patched.status).toBe(400);
    expect(patched.body.issues).toEqual([{ path: 'schema.$async', message: expect.stringContaining('$async') }]);
    const misfit = await publish('async.order', {});
    expect(misfit.status).toBe(400);
    expect(misfit.body.issues).toEqual([{ path: 'data.id', message: "must have required property 'id'" }]);
    expect((await publish('async.order', { id: 1 })).status).toBe(202);
  });

  it.each([
    ['a URL', 'http://127.0.0.1:9/meta.json'],
    ['draft 2020-12', 'https://json-schema.org/draft/2020-12/schema'],
    ['a number', 5],
  ])('a $schema of %s is a 400 naming it, not a 500', async (_label, metaSchema) => {
    const answer = await register('meta.order', { $schema: metaSchema, type: 'object' });
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'schema.$schema', message: expect.stringContaining('only JSON Schema draft-07 is supported') }]);
  });

  it('a $schema naming draft-07 is accepted, with or without its #', async () => {
    expect((await register('meta.seven', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['id'] })).status).toBe(201);
    expect((await register('meta.bare', { $schema: 'http://json-schema.org/draft-07/schema', type: 'object' })).status).toBe(201);
    expect((await publish('meta.seven', {})).body.issues).toEqual([{ path: 'data.id', message: "must have required property 'id'" }]);
  });

  it('a pattern that repeats alternatives beginning alike runs on RE2 and is enforced; so is one whose alternatives begin differently', async () => {
    expect((await register('alt.word', { type: 'object', properties: { code: { type: 'string', pattern: '^(\\w|\\d)+$' } } })).status).toBe(201);
    expect((await publish('alt.word', { code: 'a1_' })).status).toBe(202);
    // Every character taken by either branch: 2^40 tries on a backtracking RegExp, one pass on RE2.
    expect((await publish('alt.word', { code: `${'1'.repeat(40)}!` })).body.issues).toEqual([{ path: 'data.code', message: 'must match pattern "^(\\w|\\d)+$"' }]);
    expect((await register('alt.code', { type: 'object', properties: { code: { type: 'string', pattern: '^(cat|dog)+$' } } })).status).toBe(201);
    expect((await publish('alt.code', { code: 'catdogcat' })).status).toBe(202);
    const misfit = await publish('alt.code', { code: `${'cat'.repeat(20)}!` });
    expect(misfit.status).toBe(400);
    expect(misfit.body.issues).toEqual([{ path: 'data.code', message: 'must match pattern "^(cat|dog)+$"' }]);
  });
});
