import { describe, expect, it } from '@jest/globals';
import { catastrophicPatterns, eventTypeCreateSchema, eventTypePatchSchema, hasNestedQuantifier } from './event-type-schemas.js';

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
    expect(catastrophicPatterns(schema)).toEqual(
      expect.arrayContaining([
        { path: ['properties', 's', 'pattern'], pattern: '^(a+)+$' },
        { path: ['properties', 'list', 'items', 1, 'pattern'], pattern: '(x*)*' },
        { path: ['patternProperties', '^(b+)+$'], pattern: '^(b+)+$' },
      ]),
    );
    expect(catastrophicPatterns(schema)).toHaveLength(3);
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
