import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { objectIdOf } from '../json-shape.js';
import { parsePaymoEvent } from './events.js';
import { paymoSignature } from './signature.js';

/**
 * The body is the object itself (`{ "id": N }` for deletes), with `X-Paymo-Webhook` (the hook id), `X-Paymo-Event`
 * (the event that fired, which tells wildcard hooks apart) and `X-Paymo-Signature` when the hook has a secret.
 */
export function buildPaymoRequest({ event, subscription }: DeliveryRequestContext): BuiltRequest {
  const isDelete = parsePaymoEvent(event.type)?.action === 'delete';
  const body = JSON.stringify(isDelete ? { id: objectIdOf(event.data) } : event.data);
  const hookId = subscription.compat.id ?? subscription.id;
  const headers: Record<string, string> = { 'X-Paymo-Webhook': String(hookId), 'X-Paymo-Event': event.type };
  if (subscription.secret) headers['X-Paymo-Signature'] = paymoSignature(subscription.secret, body);
  return { body, headers };
}
