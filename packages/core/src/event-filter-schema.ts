import { z } from 'zod';

/**
 * A subscription's `filter` (docs/delivery.md, "Payload filters"): a small predicate over the event, in the shape of
 * MongoDB's query operators. Checked here, where it enters, so the matcher only ever compiles a well-formed one
 * (event-filter.ts).
 */
export type FilterValue = null | boolean | number | string | FilterValue[] | { [key: string]: FilterValue };
export type EventFilter = { [pathOrLogic: string]: FilterValue };

export const FIELD_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const LOGIC_OPERATORS = ['$and', '$or', '$not'] as const;

/** Bounds that keep one subscription's predicate cheap to run on every event it is a candidate for. */
export const FILTER_LIMITS = {
  /** Conditions (a path's operator, or a path's plain value) in the whole filter. */
  maxConditions: 64,
  /** `$and` / `$or` / `$not` nested inside one another. */
  maxLogicDepth: 6,
  /** Entries of one `$in` / `$nin` list, and of one `$and` / `$or`. */
  maxListLength: 100,
  /** Segments of one path (`data.a.b.0.c` has five). */
  maxPathSegments: 16,
  /** The filter as JSON text. */
  maxJsonLength: 8192,
} as const;

/** `type`, or `data` / `actor` with dotted segments below them (an array index is a segment of digits). */
const FILTER_PATH = /^(type|data|actor)(\.[^.$]+)*$/;

interface Issue {
  path: Array<string | number>;
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isComparable = (value: unknown) => typeof value === 'number' || typeof value === 'string';

/** Every problem of a filter, each with its path inside the filter (`data.amount`, `$gtt`); none: a valid filter. */
export function filterIssues(filter: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isPlainObject(filter)) return [{ path: [], message: 'must be an object of paths and operators' }];
  const text = JSON.stringify(filter);
  if (text.length > FILTER_LIMITS.maxJsonLength) return [{ path: [], message: `larger than ${FILTER_LIMITS.maxJsonLength} characters as JSON` }];
  let conditions = 0;

  function checkQuery(query: unknown, path: Array<string | number>, depth: number): void {
    if (!isPlainObject(query)) return void issues.push({ path, message: 'must be an object of paths and operators' });
    if (Object.keys(query).length === 0 && depth > 0) issues.push({ path, message: 'an empty condition' });
    for (const [key, value] of Object.entries(query)) {
      const at = [...path, key];
      if (key === '$and' || key === '$or') {
        if (depth >= FILTER_LIMITS.maxLogicDepth) issues.push({ path: at, message: `nests deeper than ${FILTER_LIMITS.maxLogicDepth} levels of $and/$or/$not` });
        else if (!Array.isArray(value) || value.length === 0) issues.push({ path: at, message: 'must be a non-empty array of conditions' });
        else if (value.length > FILTER_LIMITS.maxListLength) issues.push({ path: at, message: `at most ${FILTER_LIMITS.maxListLength} conditions` });
        else value.forEach((entry, index) => checkQuery(entry, [...at, index], depth + 1));
      } else if (key === '$not') {
        if (depth >= FILTER_LIMITS.maxLogicDepth) issues.push({ path: at, message: `nests deeper than ${FILTER_LIMITS.maxLogicDepth} levels of $and/$or/$not` });
        else checkQuery(value, at, depth + 1);
      } else if (key.startsWith('$')) {
        issues.push({ path: at, message: `unknown operator ${key}: use a path (type, data.*, actor.*) or one of ${LOGIC_OPERATORS.join(', ')}` });
      } else if (!FILTER_PATH.test(key)) {
        issues.push({ path: at, message: 'a path is type, data or actor, then dotted names or array indexes (data.items.0.sku)' });
      } else if (key.split('.').length > FILTER_LIMITS.maxPathSegments) {
        issues.push({ path: at, message: `at most ${FILTER_LIMITS.maxPathSegments} segments` });
      } else {
        checkCondition(value, at);
      }
    }
  }

  function checkCondition(condition: unknown, path: Array<string | number>): void {
    const operators = isPlainObject(condition) ? Object.keys(condition).filter((key) => key.startsWith('$')) : [];
    if (!isPlainObject(condition) || operators.length === 0) {
      conditions += 1; // a plain value: equality
      return;
    }
    if (operators.length !== Object.keys(condition).length) {
      return void issues.push({ path, message: 'mixes operators ($…) with plain fields: use {"$eq": {…}} to compare with an object' });
    }
    for (const [operator, operand] of Object.entries(condition)) {
      conditions += 1;
      const at = [...path, operator];
      if (!(FIELD_OPERATORS as readonly string[]).includes(operator)) {
        issues.push({ path: at, message: `unknown operator ${operator}: one of ${FIELD_OPERATORS.join(', ')}` });
      } else if (operator === '$in' || operator === '$nin') {
        if (!Array.isArray(operand)) issues.push({ path: at, message: `${operator} needs an array of values` });
        else if (operand.length > FILTER_LIMITS.maxListLength) issues.push({ path: at, message: `at most ${FILTER_LIMITS.maxListLength} values` });
      } else if (operator === '$exists') {
        if (typeof operand !== 'boolean') issues.push({ path: at, message: '$exists needs true or false' });
      } else if (operator !== '$eq' && operator !== '$ne' && !isComparable(operand)) {
        issues.push({ path: at, message: `${operator} needs a number or a string` });
      }
    }
  }

  checkQuery(filter, [], 0);
  if (conditions > FILTER_LIMITS.maxConditions) issues.push({ path: [], message: `more than ${FILTER_LIMITS.maxConditions} conditions` });
  return issues;
}

/** The `filter` field of native create and patch bodies. */
export const eventFilterSchema = z
  .preprocess(
    // Checked on the object as sent: JSON.parse makes a `"__proto__"` key an own key, which the record's copy would
    // turn into the copy's prototype, storing the filter without that condition (one that takes every event).
    (value, context) => {
      for (const issue of filterIssues(value)) context.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
      return value;
    },
    z.record(z.string(), z.unknown()),
  )
  .meta({
    description: 'Paths (type, data.*, actor.*) to a value or to operators ($eq $ne $in $nin $gt $gte $lt $lte $exists); $and, $or, $not combine them',
  }) as unknown as z.ZodType<EventFilter>;
