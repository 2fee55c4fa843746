import type { EventShape } from '../event-shape.js';
import { isForecastEventType } from './events.js';

/**
 * Seed 002: the envelope's `object.id` (from `data.id`) and `person.id` (from `actor.id`) are integers
 * (`"object": { "id": 655383 }`, `"person": { "id": 50363 }`).
 */
const forecastShape: EventShape = {
  data: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  actor: { type: 'object', properties: { id: { type: 'integer' } } },
};

export function forecastEventShape(type: string): EventShape | null {
  return isForecastEventType(type) ? forecastShape : null;
}
