/** Small pure helpers that give a delivered body or an answer the exact shape a provider's document shows. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets `key` on an object: where the producer already put that key, the value changes in place (so a body can
 * match a document key for key); otherwise the key comes first.
 */
export function withLeadingField(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return Object.hasOwn(object, key) ? { ...object, [key]: value } : { [key]: value, ...object };
}

/**
 * Sets `key` on an object: where the producer already put that key, the value changes in place; otherwise the key
 * comes last.
 */
export function withTrailingField(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return { ...object, [key]: value };
}

/** Objects with their keys sorted at every depth (Paybook's bodies come key-sorted). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeysDeep(value[key])]),
  );
}

/** `2017-01-04T13:39:40Z`: ISO-8601 UTC to the second, as Paymo and Forecast print times. */
export function isoSeconds(time: string | Date): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2019-10-07T21:17:15+00:00`: ISO-8601 with an explicit UTC offset, as Paybook prints times. */
export function isoOffset(time: string | Date): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** The `id` of an event's object, or null. */
export function objectIdOf(data: unknown): unknown {
  return isPlainObject(data) && data.id !== undefined ? data.id : null;
}
