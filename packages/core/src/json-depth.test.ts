import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from './json-depth.js';

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
