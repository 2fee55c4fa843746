import type { FilterValue } from './event-filter-schema.js';

/**
 * Equality and order of the JSON values a filter reads (event-filter.ts), at a cost that does not multiply. Comparing
 * each of a `$in`'s values with each element of an event's array did: 24 lists of 100 values against an array of
 * 500,000 numbers (a 1 MB event) held the worker's matcher for 11.7 s on every event of the type. Here a list is a
 * set, built once when the filter is compiled, and an array is read once per event, however many conditions and
 * subscriptions ask about it.
 */

type Scalar = null | boolean | number | string;

const isScalar = (value: unknown): value is Scalar => value === null || (typeof value !== 'object' && typeof value !== 'symbol');

/** A JSON value as text in which equal values read the same: members sorted by name, so `{a,b}` is `{b,a}`. */
function canonicalText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalText(record[name])}`)
      .join(',')}}`;
  }
  // Numbers as String() writes them, so 1e400 (Infinity once parsed) does not read as null, as JSON.stringify writes it.
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Kept per object of the event while the event lives: every condition and subscription after the first reads it here. */
const canonicalKeys = new WeakMap<object, string>();

export function canonicalKey(value: object): string {
  let key = canonicalKeys.get(value);
  if (key === undefined) canonicalKeys.set(value, (key = canonicalText(value)));
  return key;
}

/** The values of a `$eq`, `$ne`, `$in` or `$nin`, looked up instead of compared one by one. */
export interface OptionSet {
  scalars: Set<Scalar>;
  /** Objects and arrays, as canonical text: a value equal to one of them as a whole. */
  composites: Set<string>;
  /** The objects alone: an array holding one of them (an array operand matches only an equal array, never an element). */
  objects: Set<string>;
}

export function optionSet(options: readonly FilterValue[]): OptionSet {
  const set: OptionSet = { scalars: new Set(), composites: new Set(), objects: new Set() };
  for (const option of options) {
    if (isScalar(option)) {
      set.scalars.add(option);
      continue;
    }
    const key = canonicalText(option);
    set.composites.add(key);
    if (!Array.isArray(option)) set.objects.add(key);
  }
  return set;
}

/** Arrays at most this long are scanned where they are asked about; longer ones are summed up once. */
export const SCANNED_IN_PLACE = 8;

interface Range<T> {
  least: T;
  greatest: T;
}

/** What a filter asks of a long array, gathered in one pass over it. */
interface ArraySummary {
  scalars: Set<Scalar>;
  numbers: Range<number> | undefined;
  strings: Range<string> | undefined;
  /** Canonical text of the objects it holds; gathered on the first condition that compares with an object. */
  objects: Set<string> | undefined;
}

const summaries = new WeakMap<unknown[], ArraySummary>();

function widen<T>(range: Range<T> | undefined, value: T): Range<T> {
  if (!range) return { least: value, greatest: value };
  if (value < range.least) range.least = value;
  if (value > range.greatest) range.greatest = value;
  return range;
}

export function arraySummary(array: unknown[]): ArraySummary {
  let summary = summaries.get(array);
  if (summary) return summary;
  summary = { scalars: new Set(), numbers: undefined, strings: undefined, objects: undefined };
  for (const item of array) {
    if (!isScalar(item)) continue;
    summary.scalars.add(item);
    if (typeof item === 'number') summary.numbers = widen(summary.numbers, item);
    else if (typeof item === 'string') summary.strings = widen(summary.strings, item);
  }
  summaries.set(array, summary);
  return summary;
}

const isRecord = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);

function holdsAny(array: unknown[], options: OptionSet): boolean {
  if (array.length <= SCANNED_IN_PLACE) {
    return array.some((item) => (isScalar(item) ? options.scalars.has(item) : options.objects.size > 0 && isRecord(item) && options.objects.has(canonicalKey(item))));
  }
  const summary = arraySummary(array);
  for (const option of options.scalars) if (summary.scalars.has(option)) return true;
  if (options.objects.size === 0) return false;
  summary.objects ??= new Set(array.filter(isRecord).map(canonicalKey));
  for (const option of options.objects) if (summary.objects.has(option)) return true;
  return false;
}

/**
 * Whether a value equals one of the options: objects member by member in any order, arrays element by element, and
 * (as MongoDB) an array also when it holds a scalar or object option. A symbol (the filter's "missing") equals nothing.
 */
export function equalsAny(value: unknown, options: OptionSet): boolean {
  if (typeof value === 'symbol') return false;
  if (isScalar(value)) return options.scalars.has(value);
  if (options.composites.size > 0 && options.composites.has(canonicalKey(value as object))) return true;
  return Array.isArray(value) && holdsAny(value, options);
}
