import type { StoredEvent, Subscription } from '@hookfleet/core';
import { whereAccepts } from './where-filter.js';

/**
 * Paymo notifies a hook only when its creator has access to the object (an event's `visible_to` lists the users
 * who do; a hook whose creator is unknown gets no restricted event) and the object matches the hook's `where`.
 */
export function paymoAcceptsEvent(subscription: Subscription, event: StoredEvent): boolean {
  if (event.visible_to) {
    const creator = subscription.created_by;
    if (creator === null || !event.visible_to.some((user) => String(user) === creator)) return false;
  }
  const where = subscription.compat.where;
  return typeof where === 'string' && where.trim() !== '' ? whereAccepts(where, event.data) : true;
}
