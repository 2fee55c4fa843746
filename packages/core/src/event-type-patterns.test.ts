import { describe, expect, it } from '@jest/globals';
import { costlySchemaParts, eventTypeCreateSchema, eventTypePatchSchema, hasNestedQuantifier } from './event-type-schemas.js';

describe('a registered schema may not hold a regular expression with exponential backtracking', () => {
  it.each<[string, boolean]>([
    ['^(a+)+$', true],
    ['(\\w*\\s?)*', true],
    ['((ab)*c)+', true],
    ['(?:a+){2,}', true],
    ['(a|b+)*', true],
    ['^([a-z0-9]+\\.)*[a-z]+$', true],
    ['(a{2})+', true],
    // Star height one, or a repeated group that holds no quantifier: linear enough.
    ['^[a-z]+$', false],
    ['(cat|dog)+', false],
    ['(ab)*c+', false],
    ['(a+)?', false],
    ['(a+){0,1}', false],
    ['^\\d{3}-\\d{4}$', false],
    ['^[0-9]+$', false],
    // Brackets and parentheses that are not groups.
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
    ['^\\p{L}+$', false],
  ])('%s → %s', (pattern, refused) => {
    expect(hasNestedQuantifier(pattern)).toBe(refused);
  });

  it('finds pattern values and patternProperties keys at any depth, with their paths', () => {
    const schema = {
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$' }, list: { type: 'array', items: [{ pattern: '^ok$' }, { pattern: '(x*)*' }] } },
      patternProperties: { '^(b+)+$': { type: 'string' }, '^c$': {} },
      propertyNames: { pattern: '^[a-z]+$' },
    };
    const paths = costlySchemaParts(schema).map((part) => part.path);
    expect(paths).toEqual(expect.arrayContaining([['properties', 's', 'pattern'], ['properties', 'list', 'items', 1, 'pattern'], ['patternProperties', '^(b+)+$']]));
    expect(paths).toHaveLength(3);
    expect(costlySchemaParts(schema)[0]?.message).toMatch(/repeats a group that holds a quantifier/);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['objects', { type: 'array', items: { type: 'object' }, uniqueItems: true }, true],
    ['no items at all', { type: 'array', uniqueItems: true }, true],
    ['items without a type', { type: 'array', items: { enum: [1, 2] }, uniqueItems: true }, true],
    ['a tuple of items', { type: 'array', items: [{ type: 'string' }], uniqueItems: true }, true],
    ['scalars or arrays', { type: 'array', items: { type: ['string', 'array'] }, uniqueItems: true }, true],
    ['a maxItems beside objects (an oversized array is still compared pair by pair)', { type: 'array', maxItems: 10, items: { type: 'object' }, uniqueItems: true }, true],
    ['strings', { type: 'array', items: { type: 'string' }, uniqueItems: true }, false],
    ['numbers or null', { type: 'array', items: { type: ['number', 'null'] }, uniqueItems: true }, false],
    ['uniqueItems false', { type: 'array', items: { type: 'object' }, uniqueItems: false }, false],
    ['a property named uniqueItems', { type: 'object', properties: { uniqueItems: { type: 'boolean' } } }, false],
  ])('uniqueItems over %s: refused %s', (_label, array, refused) => {
    const parts = costlySchemaParts({ type: 'object', properties: { tags: array } });
    expect(parts.map((part) => part.path)).toEqual(refused ? [['properties', 'tags', 'uniqueItems']] : []);
  });

  it('is a 400 naming the pattern on create and on PATCH', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
    const created = eventTypeCreateSchema.safeParse({ profile: 'standard', type: 'a.b', schema });
    expect(created.success).toBe(false);
    expect(created.error?.issues.map((issue) => issue.path)).toEqual([['schema', 'properties', 's', 'pattern']]);
    const patched = eventTypePatchSchema.safeParse({ schema });
    expect(patched.error?.issues[0]?.message).toMatch(/repeats a group that holds a quantifier/);
    expect(eventTypeCreateSchema.safeParse({ profile: 'standard', type: 'a.b', schema: { type: 'string', pattern: '^[a-z]+$' } }).success).toBe(true);
  });
});
