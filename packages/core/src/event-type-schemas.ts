import { z } from 'zod';
import { hasRepeatedOverlappingBranches } from './event-type-patterns.js';

/** The most a registered schema may weigh as JSON: ingest compiles and keeps every one in memory. */
export const MAX_EVENT_SCHEMA_JSON_LENGTH = 65_536;

/** A quantifier that repeats its atom more than once: `*`, `+`, `{n,}`, `{n,m}` with m > 1 (lazy or not). */
const REPEATING = /^(?:[*+]|\{\d+,\d*\}|\{\d+\})/;
/** Any quantifier, `?` and `{0,1}` included. */
const QUANTIFIER = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/;

/**
 * True when a regular expression repeats a group that itself holds a quantifier (`(a+)+`, `(\w*\s?)*`, `((ab)*c)+`):
 * star height above one, the shape whose backtracking is exponential in the input's length. Ingest runs a registered
 * schema's `pattern` on every event of its type with JavaScript's backtracking RegExp (ajv, apps/api/src/event-schemas.ts),
 * where one such pattern and a 30-character string hold the API process for seconds.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  // Per open group: whether it holds a quantifier anywhere inside.
  const groups: boolean[] = [false];
  // The atom a quantifier would apply to: a group that holds one (true), another atom (false), none (null).
  let atom: boolean | null = null;
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index] as string;
    const quantifier = QUANTIFIER.exec(pattern.slice(index, index + 24))?.[0];
    if (char === '\\') {
      atom = false;
      index += 2;
    } else if (char === '[') {
      // A class is one atom: skip to its unescaped end.
      let end = index + 1;
      while (end < pattern.length && pattern[end] !== ']') end += pattern[end] === '\\' ? 2 : 1;
      atom = false;
      index = end + 1;
    } else if (char === '(') {
      groups.push(false);
      atom = null;
      index += 1;
    } else if (char === ')') {
      const holds = groups.pop() ?? false;
      if (groups.length === 0) groups.push(false);
      groups[groups.length - 1] ||= holds;
      atom = holds;
      index += 1;
    } else if (quantifier && atom !== null) {
      if (atom && REPEATING.test(quantifier) && !/^\{[01](?:,[01])?\}/.test(quantifier)) return true;
      groups[groups.length - 1] = true;
      atom = null;
      index += quantifier.length;
    } else {
      atom = char === '|' || char === '^' || char === '$' ? null : false;
      index += 1;
    }
  }
  return false;
}

/** Item types ajv compares by a lookup table under `uniqueItems` (one pass); any other items, every pair. */
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

function hasScalarItems(node: Record<string, unknown>): boolean {
  const items = node.items;
  if (items === null || typeof items !== 'object' || Array.isArray(items)) return false;
  const type = (items as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : [type];
  return types.length > 0 && types.every((entry) => typeof entry === 'string' && SCALAR_TYPES.has(entry));
}

export interface CostlySchemaPart {
  path: Array<string | number>;
  message: string;
}

/**
 * The parts of a schema whose check could hold an API process for seconds on one event, with their paths below the
 * schema: a regular expression (`pattern` values, `patternProperties` keys) that hasNestedQuantifier or
 * hasRepeatedOverlappingBranches (event-type-patterns.ts) refuses, and
 * `uniqueItems` over items of no scalar type, which ajv checks by comparing every pair (20,000 objects: 8 s, even
 * beside a `maxItems` the array breaks, since every error is collected). Walked with a stack: the body is at most 64
 * levels deep (apps/api/src/json-body.ts), and a walk that recursed would still be one frame a level.
 */
export function costlySchemaParts(schema: unknown): CostlySchemaPart[] {
  const found: CostlySchemaPart[] = [];
  const backtracking = (pattern: string): string | null => {
    if (hasNestedQuantifier(pattern)) {
      return `the regular expression ${pattern} repeats a group that holds a quantifier: its matching time can grow exponentially; rewrite it without the nested repetition`;
    }
    if (hasRepeatedOverlappingBranches(pattern)) {
      return `the regular expression ${pattern} repeats a group whose alternatives can begin with the same character: its matching time can grow exponentially; use one character class (\\w+ for (\\w|\\d)+) or branches that begin differently`;
    }
    return null;
  };
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: schema, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Array<string | number> };
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((child, index) => stack.push({ value: child, path: [...path, index] }));
      continue;
    }
    const node = value as Record<string, unknown>;
    if (node.uniqueItems === true && !hasScalarItems(node)) {
      found.push({
        path: [...path, 'uniqueItems'],
        message: 'uniqueItems needs items of a scalar type (string, number, integer, boolean, null): other items are compared pair by pair, a time that grows with the square of the array; check uniqueness in the receiver',
      });
    }
    for (const [key, child] of Object.entries(node)) {
      const refusal = key === 'pattern' && typeof child === 'string' ? backtracking(child) : null;
      if (refusal) found.push({ path: [...path, key], message: refusal });
      if (key === 'patternProperties' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        for (const name of Object.keys(child)) {
          const nameRefusal = backtracking(name);
          if (nameRefusal) found.push({ path: [...path, key, name], message: nameRefusal });
        }
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return found;
}

const jsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_EVENT_SCHEMA_JSON_LENGTH, `larger than ${MAX_EVENT_SCHEMA_JSON_LENGTH} characters as JSON`)
  .superRefine((value, context) => {
    for (const { path, message } of costlySchemaParts(value)) context.addIssue({ code: 'custom', path, message });
  })
  .meta({ description: "a JSON Schema (draft-07) for the event's `data`; a `pattern` may not repeat a group that holds a quantifier or whose alternatives begin alike, and `uniqueItems` needs items of a scalar type" });

/** `POST /v1/event-types`: an operator types one of the standard profile's events (docs/api.md, "Event types"). */
export const eventTypeCreateSchema = z
  .object({
    profile: z.string().min(1).max(50),
    type: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    schema: jsonSchemaDocument,
  })
  .strict();
export type EventTypeCreate = z.infer<typeof eventTypeCreateSchema>;

/** `PATCH /v1/event-types/:profile/:type`. */
export const eventTypePatchSchema = z
  .object({
    description: z.string().max(2000).nullable().optional(),
    schema: jsonSchemaDocument.optional(),
    /** Marked in listings and the portal; events of the type are still accepted, so producers are not broken. */
    deprecated: z.boolean().optional(),
  })
  .strict();
export type EventTypePatch = z.infer<typeof eventTypePatchSchema>;

/** A registered event type as stored. */
export interface RegisteredEventType {
  profile: string;
  type: string;
  description: string | null;
  schema: Record<string, unknown>;
  deprecated: boolean;
  created_at: string;
  updated_at: string;
}

/** One entry of `GET /v1/event-types`: a profile's documented type, or a registered one (apps/api/src/event-type-service.ts). */
export interface EventTypeView {
  profile: string;
  type: string;
  description: string;
  /** The JSON Schema an event's `data` must satisfy; null: any JSON. */
  schema: Record<string, unknown> | null;
  deprecated: boolean;
}
