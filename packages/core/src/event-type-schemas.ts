import { z } from 'zod';

/** The most a registered schema may weigh as JSON: ingest compiles and keeps every one in memory. */
export const MAX_EVENT_SCHEMA_JSON_LENGTH = 65_536;

const jsonSchemaDocument = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_EVENT_SCHEMA_JSON_LENGTH, `larger than ${MAX_EVENT_SCHEMA_JSON_LENGTH} characters as JSON`)
  .meta({ description: 'a JSON Schema (draft-07) for the event\'s `data`' });

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
