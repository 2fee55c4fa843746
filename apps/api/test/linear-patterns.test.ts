import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { linearRegExp, MAX_PATTERN_INSTRUCTIONS, unsupportedPatternReason } from '../src/linear-regexp.js';

/**
 * Registered patterns run on RE2 (apps/api/src/linear-regexp.ts), but a schema's `pattern` means what ECMAScript's
 * RegExp with the `u` flag means (JSON Schema's dialect, and ajv's flag): the two must agree on every string.
 */
const linear = (pattern: string) => linearRegExp(pattern, 'u');
const native = (pattern: string) => new RegExp(pattern, 'u');

const SAMPLES = [
  '', 'a', 'abc', 'ABC', 'cat', 'catdog', 'dogx', '123', '12a', ' ', '\t', '\n', '\r', '\u000b', '\u00a0', '\u2028', '\u2029', '\u3000',
  '\ufeff', '\u200b', 'é', 'É', 'ß', 'Ω', 'ж', '中文', '😀', 'a😀b', '\ud800', 'a\nb', 'a\n', 'a b', '-', ']', '[', '\\', '^', '$', '.', 'a-b',
  '\u0000', '\b', 'x_y', 'a.b.c', 'foo@example.com', 'e\u0301',
];

describe('patterns run on RE2 match exactly what ECMAScript matches', () => {
  it.each([
    '^[a-z]+$', '(cat|dog)+', '^(cat|dog)+$', '^\\d{3}$', '\\s', '\\S', '^\\s*$', '^\\S+$', '[\\s\\S]', '[^\\s]', '[\\S\\d]', '^.$', '^.+$', '.',
    '[]', '[^]', '^[^]*$', '^[\\]]$', '[\\[\\]]', '^[[:a]+$', '[[:]', '^[a-]$', '^[-a]$', '^[a\\-z]$', '^[\\w-]+$', '^[--/]$', '^[a-c-e]+$',
    '\\u0041', '^\\u00e9$', '[\\u0000-\\u007f]', '^[\\u4e00-\\u9fff]+$', '^\\u{1F600}$', '^\\ud83d\\ude00$', '^[\\ud83d\\ude00]$', '\\ud800',
    '\\x41', '[\\x41-\\x43]', '\\cJ', '\\0', '[\\b]', '\\bcat\\b', '\\Bc', '\\w+', '\\W', '\\D', '[\\D]', '^\\/$', '\\.', '\\$', '\\^', '\\\\', '\\|',
    '\\p{L}', '^\\p{L}+$', '\\p{Lu}', '\\P{L}', '^\\p{Letter}+$', '\\p{gc=Lu}', '\\p{General_Category=Decimal_Number}', '\\p{Script=Greek}',
    '\\p{sc=Cyrillic}', '\\p{Emoji}', '\\p{White_Space}', '[\\p{L}\\p{N}]', '[^\\p{L}]', '^(?:a|b)*$', '^(?<word>[a-z]+)$', 'a*?', 'a{2}', 'a{1,}',
    '^a{0,2}$', '^(a+)+$', '^([a-z0-9]+\\.)*[a-z]+$', '^(\\w|\\d)+$', '(ab|a)+', '^\\s+$', '\\s+$', 'e\\u0301',
  ])('%s', (pattern) => {
    const compiled = linear(pattern);
    for (const sample of SAMPLES) expect([sample, compiled.test(sample)]).toEqual([sample, native(pattern).test(sample)]);
  });

  it('agrees on patterns and strings made up at random', () => {
    const atom = fc.constantFrom('a', 'b', '.', '\\s', '\\S', '\\d', '\\w', '[ab]', '[^a]', '[\\s-]', '\\u00e9', '\\p{L}', '[a-c]', '(a|b)', '(?:ab|\\s)', '😀');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '*?');
    const pattern = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(atom, quantifier).map(([a, q]) => a + q), { minLength: 1, maxLength: 5 }), fc.boolean())
      .map(([start, parts, end]) => `${start ? '^' : ''}${parts.join('')}${end ? '$' : ''}`);
    const text = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '\n', '\u00a0', '\u2028', 'é', '😀', '1', '-', '_'), { maxLength: 8 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(pattern, text, (source, sample) => linear(source).test(sample) === native(source).test(sample)),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('patterns RE2 cannot run are refused, with why', () => {
  it.each([
    ['(a)\\1', /refers back to a group/],
    ['(?<x>a)\\k<x>', /refers back to a group/],
    ['a(?=b)', /lookahead or lookbehind/],
    ['a(?!b)', /lookahead or lookbehind/],
    ['(?<=a)b', /lookahead or lookbehind/],
    ['(?<!a)b', /lookahead or lookbehind/],
    ['(', /is not a valid regular expression/],
    ['a{,3}', /is not a valid regular expression/],
    ['\\p{Script_Extensions=Greek}', /Script_Extensions/],
    ['a{1001}', /cannot run on RE2 \(.*invalid repeat count/],
    ['\\p{sc=Grek}', /cannot run on RE2/],
    ['^.{0,1000}$', new RegExp(`compiles to \\d+ RE2 instructions, more than ${MAX_PATTERN_INSTRUCTIONS}`)],
  ])('%s', (pattern, why) => {
    expect(unsupportedPatternReason(pattern)).toMatch(why);
    expect(() => linear(pattern)).toThrow(why);
  });

  it('each pattern keeps its own text, so ajv does not take one for another', () => {
    expect(String(linear('^a$'))).not.toBe(String(linear('^b$')));
  });
});
