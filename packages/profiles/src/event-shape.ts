/** A JSON Schema document, as data (validated and compiled by the API's validator, apps/api/src/event-schemas.ts). */
export type JsonSchema = Record<string, unknown>;

/**
 * The shape a provider documents for one event type's input: `data` (what the delivered body is built from) and,
 * where the body carries it, `actor`. Ingest refuses an event that does not fit, so a receiver never gets
 * `{"id": null}` from a producer's slip (docs/profiles.md, "Typed events").
 */
export interface EventShape {
  data: JsonSchema;
  actor?: JsonSchema;
}

/** An integer id, or the same id written as a string of digits. */
export const numericId: JsonSchema = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] };

/** An object whose `id` is an integer (the id the provider's body carries), or the same id as a string of digits. */
export const objectWithNumericId = (required: boolean): JsonSchema => ({
  type: 'object',
  properties: { id: numericId },
  ...(required ? { required: ['id'] } : {}),
});
