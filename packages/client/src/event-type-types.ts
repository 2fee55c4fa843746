import type { z } from 'zod';
import type { eventTypeCreateSchema, eventTypePatchSchema } from '@hookfleet/core';

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
