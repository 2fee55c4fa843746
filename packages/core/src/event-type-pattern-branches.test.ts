import { describe, expect, it } from '@jest/globals';
import { hasRepeatedOverlappingBranches } from './event-type-patterns.js';
import { costlySchemaParts } from './event-type-schemas.js';

describe('a registered schema may not repeat a group whose alternatives can begin with the same character', () => {
  it.each<[string, boolean]>([
    // Each of these backtracks exponentially on a string that fails at its end (^(a|a)*$: 4 s at 26 characters).
    ['^(a|a)*$', true],
    ['^(\\w|\\d)+$', true],
    ['(ab|a)+', true],
    ['^(?:x|[a-z])+$', true],
    ['^(?<part>\\d|[0-9a-f]){2,}$', true],
    ['(a|\\u0061)*', true],
    ['(\\u4e01|[\\u4e00-\\u4e02])+', true],
    ['(.|\\s)*', true],
    ['([^"]|\\\\")*', true],
    ['(a|)+', true],
    ['(a?b|a)+', true],
    ['(a|b|(a))*', true],
    ['(\\.|\\.)+', true],
    // Branches that begin differently, a group not repeated, or repeated at most once: linear.
    ['(cat|dog)+', false],
    ['^(\\\\.|[^"\\\\])*$', false],
    ['^(a|b)$', false],
    ['(a|a)?', false],
    ['(a|a){0,1}', false],
    ['(a|a){1}', false],
    ['[(a|a)]+', false],
    ['\\(a|a\\)+', false],
    ['^(\\d|[a-f])+$', false],
    ['^(?=a|a)+', false],
    ['^(\\p{Lu}|\\p{Ll})+$', false],
    ['(\\.|,|\\u0041)+', false],
  ])('%s → %s', (pattern, refused) => {
    expect(hasRepeatedOverlappingBranches(pattern)).toBe(refused);
  });

  it('checks a group of thousands of branches at a bounded cost: distinct characters pass, classes past the budget count as overlapping', () => {
    const characters = Array.from({ length: 9000 }, (_, index) => String.fromCodePoint(0x4e00 + index));
    expect(hasRepeatedOverlappingBranches(`(${characters.join('|')})+`)).toBe(false);
    expect(hasRepeatedOverlappingBranches(`(${characters.map((character) => `[${character}]`).join('|')})+`)).toBe(true);
  });

  it('is refused at its path, with how to rewrite it', () => {
    const parts = costlySchemaParts({ type: 'object', properties: { code: { type: 'string', pattern: '^(\\w|_)+$' } }, patternProperties: { '^(x|x)+$': {} } });
    expect(parts.map((part) => part.path)).toEqual(expect.arrayContaining([['properties', 'code', 'pattern'], ['patternProperties', '^(x|x)+$']]));
    expect(parts).toHaveLength(2);
    expect(parts[0]?.message).toMatch(/alternatives can begin with the same character.*\\w\+ for/);
  });
});
