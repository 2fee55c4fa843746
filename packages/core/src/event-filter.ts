import type { EventFilter, FilterValue } from './event-filter-schema.js';

/** What a filter reads of an event. */
export interface FilterableEvent {
  type: string;
  data: unknown;
  actor: { id: string | number } | null;
}

export type EventPredicate = (event: FilterableEvent) => boolean;

/** A path that leads nowhere: only `$exists: false`, `$ne` and `$nin` match it. */
const MISSING = Symbol('missing');
type Read = unknown;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Equality of JSON values: objects compare by their members in any order, arrays element by element. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(bRecord).length && aKeys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual((a as Record<string, unknown>)[key], bRecord[key]));
}

/** The reader of one path, its segments split once: `data.items.0.sku` indexes arrays by number and objects by name. */
function pathReader(path: string): (event: FilterableEvent) => Read {
  const [root, ...names] = path.split('.');
  const segments = names.map((name) => ({ name, index: /^\d+$/.test(name) ? Number(name) : -1 }));
  return (event) => {
    // An event without an actor has none to read: `actor` is missing, not null.
    let value: unknown = root === 'type' ? event.type : root === 'data' ? event.data : (event.actor ?? undefined);
    if (value === undefined) return MISSING;
    for (const { name, index } of segments) {
      if (Array.isArray(value)) value = index >= 0 ? value[index] : undefined;
      else if (isPlainObject(value) && Object.hasOwn(value, name)) value = value[name];
      else return MISSING;
      if (value === undefined) return MISSING;
    }
    return value;
  };
}

/** As MongoDB: a scalar operand also matches an array that holds it. */
function equals(value: Read, operand: unknown): boolean {
  if (value === MISSING) return false;
  if (jsonEqual(value, operand)) return true;
  return Array.isArray(value) && !Array.isArray(operand) && value.some((item) => jsonEqual(item, operand));
}

type Comparison = (value: number | string, operand: number | string) => boolean;
const comparisons: Record<'$gt' | '$gte' | '$lt' | '$lte', Comparison> = {
  $gt: (value, operand) => value > operand,
  $gte: (value, operand) => value >= operand,
  $lt: (value, operand) => value < operand,
  $lte: (value, operand) => value <= operand,
};

/** A number compares with a number and a string with a string; any other pairing is no match. */
function compares(value: Read, operand: number | string, comparison: Comparison): boolean {
  if (value === MISSING) return false;
  const one = (item: unknown) => typeof item === typeof operand && comparison(item as number | string, operand);
  return one(value) || (Array.isArray(value) && value.some(one));
}

function operatorTest(operator: string, operand: FilterValue): (value: Read) => boolean {
  switch (operator) {
    case '$eq':
      return (value) => equals(value, operand);
    case '$ne':
      return (value) => !equals(value, operand);
    case '$in': {
      const options = operand as FilterValue[];
      return (value) => options.some((option) => equals(value, option));
    }
    case '$nin': {
      const options = operand as FilterValue[];
      return (value) => !options.some((option) => equals(value, option));
    }
    case '$exists':
      return (value) => (value !== MISSING) === operand;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const comparison = comparisons[operator];
      return (value) => compares(value, operand as number | string, comparison);
    }
    default:
      // event-filter-schema.ts refuses any other operator before a filter is stored.
      throw new Error(`unknown filter operator ${operator}`);
  }
}

function conditionTest(path: string, condition: FilterValue): EventPredicate {
  const read = pathReader(path);
  const isOperators = isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'));
  const tests = isOperators
    ? Object.entries(condition).map(([operator, operand]) => operatorTest(operator, operand))
    : [operatorTest('$eq', condition)];
  if (tests.length === 1) {
    const [test] = tests as [(value: Read) => boolean];
    return (event) => test(read(event));
  }
  return (event) => {
    const value = read(event);
    return tests.every((test) => test(value));
  };
}

function allOf(predicates: EventPredicate[]): EventPredicate {
  if (predicates.length === 1) return predicates[0] as EventPredicate;
  return (event) => predicates.every((predicate) => predicate(event));
}

function compileQuery(query: EventFilter): EventPredicate {
  const predicates = Object.entries(query).map(([key, value]): EventPredicate => {
    if (key === '$and') return allOf((value as EventFilter[]).map(compileQuery));
    if (key === '$or') {
      const options = (value as EventFilter[]).map(compileQuery);
      return (event) => options.some((predicate) => predicate(event));
    }
    if (key === '$not') {
      const negated = compileQuery(value as EventFilter);
      return (event) => !negated(event);
    }
    return conditionTest(key, value);
  });
  return predicates.length === 0 ? () => true : allOf(predicates);
}

/**
 * A filter as a function, built once per subscription (the matcher caches it beside the subscription), so matching
 * an event walks closures instead of the filter's JSON. The filter must have passed filterIssues (event-filter-schema.ts).
 */
export function compileEventFilter(filter: EventFilter): EventPredicate {
  return compileQuery(filter);
}
