import { describe, expect, it } from '@jest/globals';
import { re2SourceOf, schemaPatterns, UnsupportedPattern } from './event-type-patterns.js';
import { costlySchemaParts, eventTypeCreateSchema, eventTypePatchSchema } from './event-type-schemas.js';

describe("a registered schema's patterns, written for RE2", () => {
  it.each<[string, string]>([
    // What RE2 reads the same is left as written; a class's characters are written as code points.
    ['^[a-z]+$', '^[\\x{61}-\\x{7a}]+$'],
    ['(cat|dog)+', '(cat|dog)+'],
    ['^(a+)+$', '^(a+)+$'],
    ['\\d{3}-\\w*?\\b', '\\d{3}-\\w*?\\b'],
    // What ECMAScript means differently from RE2, or spells differently, is rewritten.
    ['.', '[^\\n\\r\\x{2028}\\x{2029}]'],
    ['\\s', '[\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]'],
    ['\\u0041\\u{1F600}\\ud83d\\ude00\\x41\\cJ\\0\\.', '\\x{41}\\x{1f600}\\x{1f600}\\x{41}\\x{a}\\x{0}\\x{2e}'],
    ['[]', '[^\\x{0}-\\x{10ffff}]'],
    ['[^]', '[\\x{0}-\\x{10ffff}]'],
    ['[[:]', '[\\x{5b}\\x{3a}]'],
    ['[\\b\\-a-]', '[\\x{8}\\x{2d}\\x{61}\\x{2d}]'],
    ['(?<year>\\d{4})', '(?:\\d{4})'],
    ['\\p{Letter}\\P{gc=Lu}\\p{Script=Greek}\\p{L}', '\\p{L}\\P{Lu}\\p{Greek}\\p{L}'],
  ])('%s → %s', (pattern, re2) => {
    expect(re2SourceOf(pattern)).toBe(re2);
  });

  it.each<[string, RegExp]>([
    ['(a)\\1', /refers back to a group/],
    ['(?<x>a)\\k<x>', /refers back to a group/],
    ['a(?=b)', /lookahead or lookbehind/],
    ['(?<!a)b', /lookahead or lookbehind/],
    ['\\p{scx=Greek}', /Script_Extensions/],
    ['a{,3}', /not a valid regular expression/],
    ['[z-a]', /not a valid regular expression/],
  ])('%s is refused: %s', (pattern, why) => {
    expect(() => re2SourceOf(pattern)).toThrow(UnsupportedPattern);
    expect(() => re2SourceOf(pattern)).toThrow(why);
  });

  it('finds pattern values and patternProperties keys at any depth, with their paths, and not inside data keywords', () => {
    const schema = {
      type: 'object',
      properties: { s: { type: 'string', pattern: '^a$' }, list: { type: 'array', items: [{ pattern: '^ok$' }, { pattern: '(x*)*' }] } },
      patternProperties: { '^b$': { type: 'string' } },
      propertyNames: { pattern: '^[a-z]+$' },
      const: { pattern: '(a)\\1' },
      enum: [{ pattern: '(' }],
      default: { pattern: '(' },
      examples: [{ pattern: '(' }],
    };
    expect(schemaPatterns(schema)).toEqual(
      expect.arrayContaining([
        { path: ['properties', 's', 'pattern'], pattern: '^a$' },
        { path: ['properties', 'list', 'items', 0, 'pattern'], pattern: '^ok$' },
        { path: ['properties', 'list', 'items', 1, 'pattern'], pattern: '(x*)*' },
        { path: ['patternProperties', '^b$'], pattern: '^b$' },
        { path: ['propertyNames', 'pattern'], pattern: '^[a-z]+$' },
      ]),
    );
    expect(schemaPatterns(schema)).toHaveLength(5);
  });

  it('a nested quantifier or overlapping alternatives are no reason to refuse a schema: RE2 runs them in linear time', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' }, t: { type: 'string', pattern: '^(\\w|\\d)+$' } }, patternProperties: { '^(x*)*$': {} } };
    expect(costlySchemaParts(schema)).toEqual([]);
    expect(eventTypeCreateSchema.safeParse({ profile: 'standard', type: 'a.b', schema }).success).toBe(true);
    expect(eventTypePatchSchema.safeParse({ schema }).success).toBe(true);
  });
});

describe('uniqueItems over items compared pair by pair', () => {
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

  it('is a 400 naming it on create and on PATCH', () => {
    const schema = { type: 'object', properties: { lines: { type: 'array', items: { type: 'object' }, uniqueItems: true } } };
    const created = eventTypeCreateSchema.safeParse({ profile: 'standard', type: 'a.b', schema });
    expect(created.error?.issues.map((issue) => issue.path)).toEqual([['schema', 'properties', 'lines', 'uniqueItems']]);
    expect(eventTypePatchSchema.safeParse({ schema }).error?.issues[0]?.message).toMatch(/scalar type/);
  });
});
