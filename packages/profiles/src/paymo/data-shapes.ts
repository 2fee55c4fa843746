import { objectWithNumericId, type EventShape } from '../event-shape.js';
import { parsePaymoEvent } from './events.js';

/**
 * Seed 000: the body is the object itself, whose `id` is an integer (`"id": 109404`), and a delete sends
 * `{ "id": N }` built from `data.id`, so a delete without a numeric id is refused (it went out as `{"id":null}`).
 */
const deleteShape: EventShape = { data: objectWithNumericId(true) };
const objectShape: EventShape = { data: objectWithNumericId(false) };

export function paymoEventShape(type: string): EventShape | null {
  const parsed = parsePaymoEvent(type);
  if (!parsed) return null;
  return parsed.action === 'delete' ? deleteShape : objectShape;
}
