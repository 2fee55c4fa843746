import type { EventShape } from '../event-shape.js';
import { isPaybookEventType } from './events.js';

/** Seed 003: the body is one object (the event name is set on it), its ids strings (`"id_credential": "5e79…"`). */
const paybookShape: EventShape = {
  data: {
    type: 'object',
    properties: { id_credential: { type: 'string' }, id_job: { type: 'string' }, id_user: { type: ['string', 'null'] } },
  },
};

export function paybookEventShape(type: string): EventShape | null {
  return isPaybookEventType(type) ? paybookShape : null;
}
