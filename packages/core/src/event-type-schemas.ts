import { z } from 'zod';
import { forEachSchemaObject } from './schema-walk.js';

/** The most a registered schema may weigh as JSON: ingest compiles and keeps every one in memory. */
export const MAX_EVENT_SCHEMA_JSON_LENGTH = 65_536;

/**
 * The most event types the fleet may register: every API process keeps each one's schema compiled (at most 1,000 ×
 * 64 KB of schemas; `GET /v1/event-types` answers them a bounded page at a time, apps/api/src/event-type-page.ts).
 * One more is a 409.
 */
export const MAX_REGISTERED_EVENT_TYPES = 1000;

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
 * schema: `uniqueItems` over items of no scalar type, which ajv checks by comparing every pair (20,000 objects: 8 s,
 * even beside a `maxItems` the array breaks, since every error is collected). Regular expressions need no such check:
 * ingest runs them on RE2, in time linear in the string (event-type-patterns.ts); what RE2 cannot run is refused by
 * apps/api/src/event-schemas.ts. Data under `enum`, `default` and the like is not looked into (schema-walk.ts).
 */
export function costlySchemaParts(schema: unknown): CostlySchemaPart[] {
  const found: CostlySchemaPart[] = [];
  forEachSchemaObject(schema, (node, path) => {
    if (node.uniqueItems === true && !hasScalarItems(node)) {
      found.push({
        path: [...path, 'uniqueItems'],
        message: 'uniqueItems needs items of a scalar type (string, number, integer, boolean, null): other items are compared pair by pair, a time that grows with the square of the array; check uniqueness in the receiver',
      });
    }
  });
  return found;
}

const jsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_EVENT_SCHEMA_JSON_LENGTH, `larger than ${MAX_EVENT_SCHEMA_JSON_LENGTH} characters as JSON`)
  .superRefine((value, context) => {
    for (const { path, message } of costlySchemaParts(value)) context.addIssue({ code: 'custom', path, message });
  })
  .meta({ description: "a JSON Schema (draft-07) for the event's `data`; a `pattern` may use neither back-references nor lookaround (patterns run on RE2, in linear time), and `uniqueItems` needs items of a scalar type" });

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
