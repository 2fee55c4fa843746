import type { z } from 'zod';
import type { eventTypeCreateSchema, eventTypePatchSchema } from '@hookfleet/core';
import type { EventTypeQuery } from './operation-types.js';

/** A standard event type to register, with the JSON Schema its events' `data` must satisfy (operator token). */
export type EventTypeInput = z.input<typeof eventTypeCreateSchema>;
/** A change to a registered type: description, schema, or `deprecated: true`. */
export type EventTypeUpdate = z.input<typeof eventTypePatchSchema>;

/** A registered event type, as the API answers it. */
export interface RegisteredEventType {
  profile: string;
  type: string;
  description: string;
  schema: Record<string, unknown>;
  deprecated: boolean;
  created_at: string;
  updated_at: string;
}

/**
 * `GET /v1/event-types`: `profile` filters; a page holds at most `limit` types (1–500, default 50), fewer where their
 * schemas are large (the API ends a page at about 1 MiB); `cursor` is the `next_cursor` of the page before.
 */
export interface EventTypeListQuery extends EventTypeQuery {
  limit?: number;
  cursor?: string | undefined;
}
