import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { nestsDeeperThan, pathDeeperThan } from './json-depth.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let index = 0; index < depth; index += 1) value = index % 2 ? [value] : { a: value };
  return value;
};

describe('JSON depth', () => {
  it.each([
    [1, 'scalar', false],
    [nested(64), '64 levels', false],
    [nested(65), '65 levels', true],
    [nested(100_000), '100,000 levels', true],
    [{ a: [1, { b: null }], c: 'x' }, 'a small object', false],
  ])('%#: %s → deeper than 64: %s', (value, _label, expected) => {
    expect(nestsDeeperThan(value)).toBe(expected);
  });
});

describe('pathDeeperThan', () => {
  it('names the path to the first value past the limit, and nothing for a shallow value', () => {
    expect(pathDeeperThan({ events: [{ data: { a: { b: 1 } } }] }, 4)).toEqual(['events', '0', 'data', 'a']);
    expect(pathDeeperThan({ events: [{ data: { a: 1 } }] }, 4)).toBeNull();
    expect(pathDeeperThan(nested(100_000))).not.toBeNull();
  });

  it('agrees with nestsDeeperThan on any JSON value and limit', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        expect(pathDeeperThan(value, limit) !== null).toBe(nestsDeeperThan(value, limit));
      }),
      { numRuns: 1_000 },
    );
  });
});
