import type { StoredEvent, Subscription } from '@hookfleet/core';
import type { BuiltRequest, DeliveryRequestContext } from '../profile.js';
import { isUserScopedEvent } from './events.js';
import { gigapaySignature } from './signature.js';

/** The object that triggered the event, as the producer sent it (no envelope), signed in `Gigapay-Signature`. */
export function buildGigapayRequest({ event, subscription, now }: DeliveryRequestContext): BuiltRequest {
  const body = event.dataJson ?? JSON.stringify(event.data);
  const headers: Record<string, string> = {};
  if (subscription.secret) headers['Gigapay-Signature'] = gigapaySignature(subscription.secret, body, now);
  return { body, headers };
}

/**
 * Events other than Registration.* belong to an integration: when the producer names the integrations that may
 * see an event (`visible_to`), only webhooks registered under one of them (their Integration-ID) receive it.
 */
export function gigapayAcceptsEvent(subscription: Subscription, event: StoredEvent): boolean {
  if (!event.visible_to || isUserScopedEvent(event.type)) return true;
  const integration = subscription.compat.integration_id;
  return typeof integration === 'string' && integration !== '' && event.visible_to.some((id) => String(id) === integration);
}
