import type { z } from 'zod';
import type { IssueDetail } from './errors.js';

type RawIssue = z.core.$ZodRawIssue;

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  null: 'null',
  date: 'a date',
  bigint: 'a whole number',
};

/** The JSON type of a value, as a user would name it. */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // NaN is what a coerced query parameter (`?limit=abc`) becomes: JSON has no NaN, so it was text.
  if (typeof value === 'number') return Number.isNaN(value) ? 'text' : Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'object') return 'an object';
  return ARTICLE[typeof value] ?? typeof value;
}

const plural = (count: number | bigint, word: string) => `${count} ${word}${Number(count) === 1 ? '' : 's'}`;

/** How much of a thing: characters of a string, items of a list, or the number itself. */
function bound(origin: string, limit: number | bigint): string {
  if (origin === 'string') return plural(limit, 'character');
  if (origin === 'array' || origin === 'set') return plural(limit, 'item');
  return String(limit);
}

const FORMATS: Record<string, string> = {
  datetime: 'an ISO-8601 date-time with a time zone, such as 2026-01-31T12:00:00Z',
  date: 'an ISO-8601 date, such as 2026-01-31',
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  regex: 'text in the expected format',
};

/**
 * Zod's issues in plain words: the message names what is wanted ("required: a string", "at least 1 item"), never
 * the validator's own wording. Messages a schema writes itself (`refine(…, 'letters, digits and _ . : - only')`)
 * take precedence over this map, as zod applies them first.
 */
export function plainMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const wanted = ARTICLE[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `required: ${wanted}` : `must be ${wanted}, not ${jsonTypeOf(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'must list at least 1 item';
      return issue.inclusive === false ? `must be more than ${bound(issue.origin, issue.minimum)}` : `must be at least ${bound(issue.origin, issue.minimum)}`;
    case 'too_big':
      return issue.inclusive === false ? `must be less than ${bound(issue.origin, issue.maximum)}` : `must be at most ${bound(issue.origin, issue.maximum)}`;
    case 'invalid_format':
      return `must be ${FORMATS[issue.format] ?? `in ${issue.format} format`}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'does not match any of the accepted shapes';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an element that is not allowed';
    default:
      return 'is not valid';
  }
}

/** Issue paths as the API writes them (`events.0.type`); an unknown field is named by its own path. */
export function toIssueDetails(issues: readonly z.core.$ZodIssue[], pathPrefix: ReadonlyArray<string | number> = []): IssueDetail[] {
  return issues.flatMap((issue) => {
    const path = [...pathPrefix, ...issue.path].map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field: remove it or check its spelling' }));
    }
    return [{ path: path.join('.') || '(body)', message: issue.message }];
  });
}

/**
 * safeParse with the plain messages: what the API and the client both validate with. A valid value is parsed
 * without options, since passing any turns off zod's compiled fast path (8× slower per event on the ingest path);
 * only an invalid one is parsed again with the message map.
 */
export function parsePlainly<Schema extends z.ZodType>(schema: Schema, value: unknown): z.ZodSafeParseResult<z.output<Schema>> {
  const result = schema.safeParse(value);
  return result.success ? result : schema.safeParse(value, { error: plainMessage });
}
