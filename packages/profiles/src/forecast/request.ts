import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { isoSeconds, objectIdOf } from '../json-shape.js';
import { forecastKindOf } from './events.js';

/**
 * The envelope `{ timestamp, event, object: { id }, person: { id }, fields_changed }`: the object's id from the
 * event's data, the person from its actor, and `fields_changed` only on UPDATE hooks.
 */
export function buildForecastRequest({ event }: DeliveryRequestContext): BuiltRequest {
  const isUpdate = forecastKindOf(event.type)?.event === 'UPDATE';
  const envelope = {
    timestamp: isoSeconds(event.occurred_at),
    event: event.type,
    object: { id: objectIdOf(event.data) },
    person: { id: event.actor?.id ?? null },
    ...(isUpdate ? { fields_changed: event.fields_changed ?? [] } : {}),
  };
  return { body: JSON.stringify(envelope), headers: {} };
}
