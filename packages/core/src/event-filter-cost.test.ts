import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileEventFilter, type FilterableEvent } from './event-filter.js';
import { filterIssues, type EventFilter, type FilterValue } from './event-filter-schema.js';

/** An array whose element reads are counted: what a filter costs on it, as a number rather than a time. */
function countedArray(items: unknown[]): { array: unknown[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads += 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, reads: () => reads };
}

describe('a filter costs in proportion to the event, not to the event times the filter', () => {
  it('reads each element of an array a bounded number of times, however many $in values and conditions ask about it', () => {
    // 24 lists of 100 values that never match: before, each value was compared with each element (11.7 s on 500,000).
    const values = Array.from({ length: 100 }, (_, index) => -(index % 9) - 1);
    const filter: EventFilter = { $or: Array.from({ length: 24 }, () => ({ 'data.amounts': { $in: values } })) };
    expect(filterIssues(filter)).toEqual([]);
    const { array, reads } = countedArray(Array.from({ length: 1000 }, (_, index) => index % 10));
    const event: FilterableEvent = { type: 'order.paid', data: { amounts: array }, actor: null };
    expect(compileEventFilter(filter)(event)).toBe(false);
    expect(reads()).toBeLessThanOrEqual(1000 * 2);
  });

  it('reads an array once for every subscription that filters the same event, with comparisons and object values too', () => {
    const filters: EventFilter[] = [
      { $or: Array.from({ length: 30 }, (_, index) => ({ 'data.lines': { $gt: 1000 + index } })) },
      { 'data.lines': { $nin: Array.from({ length: 50 }, (_, index) => ({ sku: `X-${index}` })) } },
      { 'data.lines': { $lte: -1 } },
    ].map((filter) => filter as EventFilter);
    const items = [...Array.from({ length: 500 }, (_, index) => index), ...Array.from({ length: 500 }, (_, index) => ({ sku: `A-${index}` }))];
    const { array, reads } = countedArray(items);
    const event: FilterableEvent = { type: 'order.paid', data: { lines: array }, actor: null };
    const predicates = filters.map((filter) => compileEventFilter(filter));
    for (let round = 0; round < 10; round += 1) expect(predicates.map((predicate) => predicate(event))).toEqual([false, true, false]);
    expect(reads()).toBeLessThanOrEqual(items.length * 3);
  });
});

/** The matching rules as docs/delivery.md states them, written the plain way: each option against each element. */
function referenceEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => referenceEqual(item, b[index]));
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  return Object.keys(aRecord).length === Object.keys(bRecord).length && Object.keys(aRecord).every((key) => Object.hasOwn(bRecord, key) && referenceEqual(aRecord[key], bRecord[key]));
}
const referenceEquals = (value: unknown, operand: unknown) =>
  value !== undefined && (referenceEqual(value, operand) || (Array.isArray(value) && !Array.isArray(operand) && value.some((item) => referenceEqual(item, operand))));
function referenceCompares(value: unknown, operand: number | string, comparison: (a: number | string, b: number | string) => boolean): boolean {
  if (value === undefined) return false;
  const one = (item: unknown) => typeof item === typeof operand && comparison(item as number | string, operand);
  return one(value) || (Array.isArray(value) && value.some(one));
}

describe('sets and summaries match exactly what comparing one by one matched', () => {
  const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', 'B', '1', ''), fc.constantFrom(0.5, -0, 1e300));
  const json = fc.letrec<{ value: FilterValue }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 12 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 })),
  })).value;
  const comparable = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', 'B', '1', ''));

  it('$eq, $ne, $in, $nin, $gt, $gte, $lt and $lte on any value, arrays long and short', () => {
    fc.assert(
      fc.property(fc.option(json, { nil: undefined }), json, fc.array(json, { maxLength: 6 }), comparable, (value, operand, options, bound) => {
        const event: FilterableEvent = { type: 't', data: value === undefined ? {} : { x: value }, actor: null };
        const run = (condition: FilterValue) => compileEventFilter({ 'data.x': condition })(event);
        expect(run({ $eq: operand })).toBe(referenceEquals(value, operand));
        expect(run({ $ne: operand })).toBe(!referenceEquals(value, operand));
        expect(run({ $in: options })).toBe(options.some((option) => referenceEquals(value, option)));
        expect(run({ $nin: options })).toBe(!options.some((option) => referenceEquals(value, option)));
        expect(run({ $gt: bound })).toBe(referenceCompares(value, bound, (a, b) => a > b));
        expect(run({ $gte: bound })).toBe(referenceCompares(value, bound, (a, b) => a >= b));
        expect(run({ $lt: bound })).toBe(referenceCompares(value, bound, (a, b) => a < b));
        expect(run({ $lte: bound })).toBe(referenceCompares(value, bound, (a, b) => a <= b));
      }),
      { numRuns: 2000 },
    );
  });
});
