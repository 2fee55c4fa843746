import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { isPlainObject, withLeadingField } from '../json-shape.js';
import { hubPlannerEventNameFor } from './events.js';

function withEvent(item: unknown, eventName: string): unknown {
  return isPlainObject(item) ? withLeadingField(item, 'event', eventName) : item;
}

/**
 * The object with `event` added (an array of them for `booking.delete.multiple`), and the subscription's
 * `authorization_token` as the `hubplanner-token` header.
 */
export function buildHubPlannerRequest({ event, subscription }: DeliveryRequestContext): BuiltRequest {
  const eventName = hubPlannerEventNameFor(event.type, subscription.events);
  const payload = Array.isArray(event.data) ? event.data.map((item) => withEvent(item, eventName)) : withEvent(event.data, eventName);
  const headers: Record<string, string> = {};
  // The authorization_token is the subscription's secret: stored, redacted and rotated like every secret.
  if (subscription.secret) headers['hubplanner-token'] = subscription.secret;
  return { body: JSON.stringify(payload), headers };
}

/** "External service must response with one of the following statuses: 200, 201 or 204." */
export function isHubPlannerSuccess(statusCode: number): boolean {
  return statusCode === 200 || statusCode === 201 || statusCode === 204;
}
