import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { isPlainObject, sortKeysDeep } from '../json-shape.js';

/** The event's object with `event` set to its name, keys sorted at every depth as Paybook prints them. */
export function buildPaybookRequest({ event }: DeliveryRequestContext): BuiltRequest {
  const payload = isPlainObject(event.data) ? { ...event.data, event: event.type } : event.data;
  return { body: JSON.stringify(sortKeysDeep(payload)), headers: {} };
}
