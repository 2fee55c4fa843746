import { isPlainObject } from '../json-shape.js';

/**
 * Paymo's `where` syntax (its docs, "filtering"): conditions joined by `and`, each `field operator value`,
 * operators `=`, `!=`, `>`, `>=`, `<`, `<=`, `like`, `not like`, `in (a,b)`, `not in (a,b)`; values are numbers,
 * true/false/null, quoted strings or bare words. A hook's `where` is matched against the event's object.
 */

export type WhereOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'like' | 'not like' | 'in' | 'not in';
export type WhereValue = string | number | boolean | null;

export interface WhereCondition {
  field: string;
  operator: WhereOperator;
  value: WhereValue | WhereValue[];
}

export class WhereSyntaxError extends Error {
  override name = 'WhereSyntaxError';
}

// Longest first, so `>=` is not read as `>` and `not like` not as a field named `not`.
const OPERATORS: readonly WhereOperator[] = ['not like', 'not in', 'like', 'in', '!=', '>=', '<=', '=', '>', '<'];
const FIELD = /^[A-Za-z_][A-Za-z0-9_.]*/;
const AND = /^\s+and\s+/i;

function typed(bare: string): WhereValue {
  const lower = bare.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(bare)) return Number(bare);
  return bare;
}

class Scanner {
  constructor(
    private readonly text: string,
    public at = 0,
  ) {}

  get rest(): string {
    return this.text.slice(this.at);
  }

  skipSpaces(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] as string)) this.at += 1;
  }

  fail(what: string): never {
    throw new WhereSyntaxError(`${what} at position ${this.at} of "${this.text}"`);
  }

  quoted(): string {
    const quote = this.text[this.at] as string;
    let value = '';
    for (this.at += 1; this.at < this.text.length; this.at += 1) {
      const char = this.text[this.at] as string;
      if (char === '\\' && this.at + 1 < this.text.length) value += this.text[++this.at];
      else if (char === quote) {
        this.at += 1;
        return value;
      } else value += char;
    }
    return this.fail('unterminated string');
  }

  operator(): WhereOperator {
    const rest = this.rest.toLowerCase();
    for (const operator of OPERATORS) {
      if (!rest.startsWith(operator)) continue;
      // Word operators need a word boundary: `inx` is not `in`.
      if (/[a-z]$/.test(operator) && /[a-z0-9_]/i.test(rest[operator.length] ?? '')) continue;
      this.at += operator.length;
      return operator;
    }
    return this.fail('expected an operator');
  }

  list(): WhereValue[] {
    this.at += 1; // (
    const values: WhereValue[] = [];
    for (;;) {
      this.skipSpaces();
      const char = this.text[this.at];
      if (char === undefined) this.fail('unterminated list');
      if (char === ')' && values.length === 0) break;
      if (char === '"' || char === "'") values.push(this.quoted());
      else {
        const raw = /^[^,)]*/.exec(this.rest)?.[0] ?? '';
        if (!raw.trim()) this.fail('empty list item');
        this.at += raw.length;
        values.push(typed(raw.trim()));
      }
      this.skipSpaces();
      if (this.text[this.at] === ',') {
        this.at += 1;
        continue;
      }
      if (this.text[this.at] === ')') break;
      this.fail('expected , or )');
    }
    this.at += 1; // )
    return values;
  }

  value(): WhereValue {
    const char = this.text[this.at];
    if (char === '"' || char === "'") return this.quoted();
    // A bare value is one word; a value with spaces is quoted (`name="Sample Project"`).
    const bare = /^[^\s()]+/.exec(this.rest)?.[0];
    if (!bare) this.fail('expected a value');
    this.at += bare.length;
    return typed(bare);
  }
}

/** Parses a `where` string; throws WhereSyntaxError when it cannot. */
export function parseWhere(text: string): WhereCondition[] {
  const scanner: Scanner = new Scanner(text);
  const conditions: WhereCondition[] = [];
  for (;;) {
    scanner.skipSpaces();
    const field = FIELD.exec(scanner.rest)?.[0];
    if (!field) scanner.fail('expected a field name');
    scanner.at += field.length;
    scanner.skipSpaces();
    const operator = scanner.operator();
    scanner.skipSpaces();
    const isList = operator === 'in' || operator === 'not in';
    if (isList && scanner.rest[0] !== '(') scanner.fail('expected ( after in');
    const value = isList ? scanner.list() : scanner.value();
    conditions.push({ field, operator, value });
    const and = AND.exec(scanner.rest);
    if (and) {
      scanner.at += and[0].length;
      continue;
    }
    scanner.skipSpaces();
    if (scanner.rest.length > 0) scanner.fail('expected "and" or the end');
    return conditions;
  }
}

function fieldValue(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

function equal(actual: unknown, expected: WhereValue): boolean {
  if (expected === null) return actual === null;
  if (typeof expected === 'number') return actual !== '' && actual !== null && typeof actual !== 'boolean' && Number(actual) === expected;
  if (typeof expected === 'boolean') return actual === expected || String(actual).toLowerCase() === String(expected);
  return String(actual).toLowerCase() === expected.toLowerCase();
}

function compare(actual: unknown, expected: WhereValue): number | null {
  if (actual === null || actual === undefined || expected === null) return null;
  const a = Number(actual);
  const b = Number(expected);
  if (typeof actual !== 'boolean' && actual !== '' && !Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  return String(actual).localeCompare(String(expected));
}

// `%` and `_` are SQL wildcards; a pattern without them matches anywhere in the text (`name like Sample`).
function like(actual: unknown, pattern: WhereValue): boolean {
  if (actual === null || actual === undefined || pattern === null) return false;
  const text = String(pattern);
  if (!/[%_]/.test(text)) return String(actual).toLowerCase().includes(text.toLowerCase());
  return sqlLikeMatches(String(actual).toLowerCase(), text.toLowerCase());
}

/**
 * Whether all of `text` matches a LIKE pattern (`%` any run, `_` any one character), by the greedy two-pointer walk
 * that goes back only to the last `%`: at most the text's length times the pattern's steps. A regular expression of
 * `.*` runs (what this replaced) backtracks polynomially in the number of `%`: a subscriber's `%a%a%a%a%a%a%b` held
 * a worker for minutes on one long field of one event.
 */
export function sqlLikeMatches(text: string, pattern: string): boolean {
  let at = 0;
  let step = 0;
  let lastPercent = -1;
  let resumeAt = 0;
  while (at < text.length) {
    const wanted = pattern[step];
    if (wanted === '%') {
      lastPercent = step++;
      resumeAt = at;
    } else if (wanted !== undefined && (wanted === '_' || wanted === text[at])) {
      at += 1;
      step += 1;
    } else if (lastPercent >= 0) {
      // The last `%` takes one character more, and the pattern after it is tried again from there.
      step = lastPercent + 1;
      at = ++resumeAt;
    } else return false;
  }
  while (pattern[step] === '%') step += 1;
  return step === pattern.length;
}

function scalarHolds(actual: unknown, condition: WhereCondition): boolean {
  const { operator, value } = condition;
  const values = Array.isArray(value) ? value : [value];
  const first = values[0] ?? null;
  switch (operator) {
    case '=':
      return equal(actual, first);
    case 'in':
      return values.some((candidate) => equal(actual, candidate));
    case 'like':
      return like(actual, first);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const order = compare(actual, first);
      if (order === null) return false;
      return operator === '>' ? order > 0 : operator === '>=' ? order >= 0 : operator === '<' ? order < 0 : order <= 0;
    }
    default:
      return false;
  }
}

const NEGATED: Partial<Record<WhereOperator, WhereOperator>> = { '!=': '=', 'not in': 'in', 'not like': 'like' };

/** Whether one condition holds for the object; a list field (`users`) holds when any of its items does. */
function holds(object: unknown, condition: WhereCondition): boolean {
  const actual = fieldValue(object, condition.field);
  if (actual === undefined) return false;
  const positive = NEGATED[condition.operator];
  const items = Array.isArray(actual) ? actual : [actual];
  if (positive) return !items.some((item) => scalarHolds(item, { ...condition, operator: positive }));
  return items.some((item) => scalarHolds(item, condition));
}

export function matchesWhere(conditions: readonly WhereCondition[], object: unknown): boolean {
  return conditions.every((condition) => holds(object, condition));
}

const parsedCache = new Map<string, WhereCondition[] | null>();
const MAX_CACHED = 10_000;

/** Matches a hook's `where` against an object; a filter that cannot be parsed matches nothing (Paymo's rule for wildcard hooks). */
export function whereAccepts(where: string, object: unknown): boolean {
  let conditions = parsedCache.get(where);
  if (conditions === undefined) {
    try {
      conditions = parseWhere(where);
    } catch {
      conditions = null;
    }
    if (parsedCache.size >= MAX_CACHED) parsedCache.clear();
    parsedCache.set(where, conditions);
  }
  return conditions !== null && matchesWhere(conditions, object);
}
