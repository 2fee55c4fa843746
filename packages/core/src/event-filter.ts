import type { EventFilter, FilterValue } from './event-filter-schema.js';
import { arraySummary, equalsAny, optionSet, SCANNED_IN_PLACE } from './event-filter-values.js';

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

/** A comparison's operand (a number or a string) compared with a value of the same type. */
type Comparison = (value: number | string, operand: number | string) => boolean;
const comparisons: Record<'$gt' | '$gte' | '$lt' | '$lte', Comparison> = {
  $gt: (value, operand) => value > operand,
  $gte: (value, operand) => value >= operand,
  $lt: (value, operand) => value < operand,
  $lte: (value, operand) => value <= operand,
};

/** A number compares with a number and a string with a string; any other pairing is no match. An array: any element. */
function compares(value: Read, operand: number | string, comparison: Comparison): boolean {
  if (value === MISSING) return false;
  if (typeof value === typeof operand) return comparison(value as number | string, operand);
  if (!Array.isArray(value)) return false;
  if (value.length <= SCANNED_IN_PLACE) return value.some((item) => typeof item === typeof operand && comparison(item as number | string, operand));
  // Some element passes a `>`/`>=` exactly when the greatest does, a `<`/`<=` when the least does.
  const range = typeof operand === 'number' ? arraySummary(value).numbers : arraySummary(value).strings;
  return range !== undefined && (comparison(range.greatest, operand) || comparison(range.least, operand));
}

function operatorTest(operator: string, operand: FilterValue): (value: Read) => boolean {
  switch (operator) {
    case '$eq': {
      const options = optionSet([operand]);
      return (value) => equalsAny(value, options);
    }
    case '$ne': {
      const options = optionSet([operand]);
      return (value) => !equalsAny(value, options);
    }
    case '$in': {
      const options = optionSet(operand as FilterValue[]);
      return (value) => equalsAny(value, options);
    }
    case '$nin': {
      const options = optionSet(operand as FilterValue[]);
      return (value) => !equalsAny(value, options);
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
