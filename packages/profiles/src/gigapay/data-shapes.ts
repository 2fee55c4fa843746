import type { EventShape } from '../event-shape.js';
import { isGigapayEventType } from './events.js';

/** Seed 004: the body is the object that triggered the event; its `id` is a string (`"id": "481272"`). */
const gigapayShape: EventShape = { data: { type: 'object', properties: { id: { type: 'string' } } } };

export function gigapayEventShape(type: string): EventShape | null {
  return isGigapayEventType(type) ? gigapayShape : null;
}
