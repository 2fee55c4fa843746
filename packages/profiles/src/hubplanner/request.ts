import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { isPlainObject, withLeadingField, withTrailingField } from '../json-shape.js';
import { hubPlannerEventKeyLast, hubPlannerEventNameFor } from './events.js';

/**
 * The object with `event` set: in place where the producer put it, else where the seed document prints it for this
 * type (first, or last for the booking updates and deletes), so the bytes match the document either way.
 */
function withEvent(item: unknown, eventName: string, keyLast: boolean): unknown {
  if (!isPlainObject(item)) return item;
  return keyLast ? withTrailingField(item, 'event', eventName) : withLeadingField(item, 'event', eventName);
}

/**
 * The object with `event` added (an array of them for `booking.delete.multiple`), and the subscription's
 * `authorization_token` as the `hubplanner-token` header.
 */
export function buildHubPlannerRequest({ event, subscription }: DeliveryRequestContext): BuiltRequest {
  const eventName = hubPlannerEventNameFor(event.type, subscription.events);
  const keyLast = hubPlannerEventKeyLast(event.type);
  const payload = Array.isArray(event.data) ? event.data.map((item) => withEvent(item, eventName, keyLast)) : withEvent(event.data, eventName, keyLast);
  const headers: Record<string, string> = {};
  // The authorization_token is the subscription's secret: stored, redacted and rotated like every secret.
  if (subscription.secret) headers['hubplanner-token'] = subscription.secret;
  return { body: JSON.stringify(payload), headers };
}

/** "External service must response with one of the following statuses: 200, 201 or 204." */
export function isHubPlannerSuccess(statusCode: number): boolean {
  return statusCode === 200 || statusCode === 201 || statusCode === 204;
}
