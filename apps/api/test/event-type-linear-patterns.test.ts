import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { MAX_SCHEMA_PATTERN_INSTRUCTIONS } from '../src/event-schemas.js';

/**
 * A registered schema's patterns run on RE2 (apps/api/src/linear-regexp.ts), in time linear in the string. On
 * JavaScript's backtracking RegExp, `\s+$` was quadratic (0.63 s at 30,000 characters: some 10 minutes at 1 MB) and
 * eight `\d*` in a row polynomial of degree eight (219 ms at 26 characters), on every event of the type. Each
 * publish below would have held the API process for minutes or far longer; the test's own timeout bounds it.
 */
describe('registered patterns run in linear time', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('linear-patterns');
  });
  afterAll(() => fleet.stop());

  const register = (type: string, schema: unknown) => fleet.call('POST', '/v1/event-types', { profile: 'standard', type, schema });
  const publish = (type: string, data: unknown) => fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type, data });
  const textPattern = (pattern: string) => ({ type: 'object', properties: { text: { type: 'string', pattern } } });

  it('`\\s+$` on a string of a million characters is answered, and enforced', async () => {
    expect((await register('linear.trailing', textPattern('\\s+$'))).status).toBe(201);
    const spaces = ' '.repeat(1_000_000);
    const misfit = await publish('linear.trailing', { text: `${spaces}x` });
    expect(misfit.status).toBe(400);
    expect(misfit.body.issues).toEqual([{ path: 'data.text', message: 'must match pattern "\\s+$"' }]);
    expect((await publish('linear.trailing', { text: `x${spaces}` })).status).toBe(202);
  });

  it('eight `\\d*` in a row, nested quantifiers and overlapping alternatives are accepted and answered on long strings', async () => {
    const digits = '^\\d*\\d*\\d*\\d*\\d*\\d*\\d*\\d*$';
    const schema = {
      type: 'object',
      properties: { digits: { type: 'string', pattern: digits }, nested: { type: 'string', pattern: '^(a+)+$' }, either: { type: 'string', pattern: '^(\\w|\\d)+$' } },
      patternProperties: { '^(x*)*$': { type: 'integer' } },
    };
    expect((await register('linear.polynomial', schema)).status).toBe(201);
    const misfit = await publish('linear.polynomial', {
      digits: `${'1'.repeat(50_000)}a`,
      nested: `${'a'.repeat(50_000)}!`,
      either: `${'1'.repeat(50_000)}!`,
      [`${'x'.repeat(50_000)}`]: 'not an integer',
    });
    expect(misfit.status).toBe(400);
    expect(misfit.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['data.digits', 'data.either', 'data.nested', `data.${'x'.repeat(50_000)}`].sort());
    expect((await publish('linear.polynomial', { digits: '123', nested: 'aaa', either: 'a1_', xx: 5 })).status).toBe(202);
  });

  it('back-references and lookaround are a 400 at their path on create and PATCH, and nothing is registered', async () => {
    const refused = await register('linear.refused', {
      type: 'object',
      properties: { twice: { type: 'string', pattern: '^(a)\\1$' }, ahead: { type: 'string', pattern: '^a(?=b)' } },
      patternProperties: { '(?<!x)y': {} },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'schema.properties.twice.pattern', message: expect.stringContaining('refers back to a group') },
        { path: 'schema.properties.ahead.pattern', message: expect.stringContaining('lookahead or lookbehind') },
        { path: 'schema.patternProperties.(?<!x)y', message: expect.stringContaining('lookahead or lookbehind') },
      ]),
    );
    expect(refused.body.issues).toHaveLength(3);
    expect((await fleet.call('PATCH', '/v1/event-types/standard/linear.refused', { description: 'x' })).status).toBe(404);

    expect((await register('linear.refused', textPattern('^[a-z]+$'))).status).toBe(201);
    const patched = await fleet.call('PATCH', '/v1/event-types/standard/linear.refused', { schema: textPattern('(?<name>a)\\k<name>') });
    expect(patched.status).toBe(400);
    expect(patched.body.issues).toEqual([{ path: 'schema.properties.text.pattern', message: expect.stringContaining('RE2') }]);
    expect((await publish('linear.refused', { text: 'abc' })).status).toBe(202);
  });

  it('ordinary patterns validate as ECMAScript reads them: classes, alternatives, \\s, . and Unicode properties', async () => {
    const schema = {
      type: 'object',
      properties: {
        word: { type: 'string', pattern: '^[a-z]+$' },
        pets: { type: 'string', pattern: '^(cat|dog)+$' },
        name: { type: 'string', pattern: '^\\p{L}+$' },
        greek: { type: 'string', pattern: '^\\p{Script=Greek}+$' },
        solid: { type: 'string', pattern: '^\\S+$' },
        line: { type: 'string', pattern: '^.+$' },
        emoji: { type: 'string', pattern: '^\\u{1F600}$' },
      },
    };
    expect((await register('linear.ordinary', schema)).status).toBe(201);
    expect((await publish('linear.ordinary', { word: 'abc', pets: 'catdog', name: 'Zoë', greek: 'Ωμέγα', solid: 'a-b', line: 'a b', emoji: '😀' })).status).toBe(202);
    const misfit = await publish('linear.ordinary', { word: 'aBc', pets: 'cow', name: 'Zoë1', greek: 'Omega', solid: 'a\u00a0b', line: 'a\rb', emoji: '😀😀' });
    expect(misfit.status).toBe(400);
    expect(misfit.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['data.emoji', 'data.greek', 'data.line', 'data.name', 'data.pets', 'data.solid', 'data.word']);
  });

  it(`refuses a schema whose patterns compile to more than ${MAX_SCHEMA_PATTERN_INSTRUCTIONS} RE2 instructions together, at the path of the one over, on create and PATCH`, async () => {
    // Each some 900 instructions, under the bound of one pattern; 1,306 such filled a 64 KB schema and kept 116 MB.
    const costly = (count: number) => ({
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: count }, (_, index) => [`p${index}`, { type: 'string', pattern: `^[a-${String.fromCharCode(98 + index)}]{1,${440 + index}}$` }])),
    });
    const refused = await register('linear.costly', costly(6));
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: expect.stringMatching(/^schema\.properties\.p\d\.pattern$/), message: expect.stringContaining(`more than ${MAX_SCHEMA_PATTERN_INSTRUCTIONS} RE2 instructions together`) },
    ]);
    // The same pattern in many places is compiled, and counted, once.
    const repeated = { type: 'object', properties: Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`p${index}`, { type: 'string', pattern: '^[a-z]{1,440}$' }])) };
    expect((await register('linear.costly', repeated)).status).toBe(201);
    const patched = await fleet.call('PATCH', '/v1/event-types/standard/linear.costly', { schema: costly(6) });
    expect(patched.status).toBe(400);
    expect(patched.body.issues[0].message).toContain('RE2 instructions together');
    expect((await fleet.call('PATCH', '/v1/event-types/standard/linear.costly', { schema: costly(4) })).status).toBe(200);
    expect((await publish('linear.costly', { p0: 'aaa' })).status).toBe(202);
    expect((await publish('linear.costly', { p0: 'abc' })).status).toBe(400);
  });
});
