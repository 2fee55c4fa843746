import type { EventShape, JsonSchema } from '../event-shape.js';
import { isHubPlannerEventType } from './events.js';

/** Seed 001: each body is one object (`_id` a string), and `booking.delete.multiple` an array of bookings. */
const hubPlannerObject: JsonSchema = { type: 'object', properties: { _id: { type: 'string' } } };
const objectShape: EventShape = { data: hubPlannerObject };
const arrayShape: EventShape = { data: { type: 'array', items: hubPlannerObject } };

export function hubPlannerEventShape(type: string): EventShape | null {
  if (!isHubPlannerEventType(type)) return null;
  return type === 'booking.delete.multiple' ? arrayShape : objectShape;
}
