import type { EventTypeInfo } from '../profile.js';

/** `timeEntry.create.update` is a subscription to both `timeEntry.create` and `timeEntry.update`. */
export const COMBINED_TIME_ENTRY_EVENT = 'timeEntry.create.update';
const COMBINED_MEMBERS = new Set(['timeEntry.create', 'timeEntry.update']);

/** The ten events of the seed document's "Supported Events" table, in its order. */
export const hubPlannerEvents: readonly EventTypeInfo[] = [
  { type: 'project.update', description: 'Triggers when project is created or updated' },
  { type: 'resource.update', description: 'Triggers when resource is created or updated' },
  { type: 'booking.create', description: 'Triggers when booking is created' },
  { type: 'timeEntry.create', description: 'Triggers when time entry is created' },
  { type: 'timeEntry.update', description: 'Triggers when time entry is updated' },
  { type: COMBINED_TIME_ENTRY_EVENT, description: 'Triggers when time entry is created or updated (publish timeEntry.create or timeEntry.update)', subscriptionOnly: true },
  { type: 'timeEntry.delete', description: 'Triggers when time entry is deleted' },
  { type: 'booking.update', description: 'Triggers when booking is updated' },
  { type: 'booking.delete', description: 'Triggers when booking is deleted' },
  { type: 'booking.delete.multiple', description: 'Triggers when repeated booking is deleted (the body is an array of bookings)' },
];

/**
 * The events whose bodies the seed document prints with `event` as their last key (the booking updates and deletes);
 * every other body starts with it.
 */
const EVENT_KEY_LAST = new Set(['booking.update', 'booking.delete', 'booking.delete.multiple']);

/** Whether a body of this event type carries `event` as its last key rather than its first. */
export function hubPlannerEventKeyLast(type: string): boolean {
  return EVENT_KEY_LAST.has(type);
}

const subscribable = new Set(hubPlannerEvents.map((event) => event.type));
const publishable = new Set(hubPlannerEvents.filter((event) => !event.subscriptionOnly).map((event) => event.type));

export function isHubPlannerEventType(type: string): boolean {
  return publishable.has(type);
}

export function isHubPlannerSubscriptionEvent(pattern: string): boolean {
  return subscribable.has(pattern);
}

export function hubPlannerPatternsFor(type: string): string[] {
  if (!publishable.has(type)) return [];
  return COMBINED_MEMBERS.has(type) ? [type, COMBINED_TIME_ENTRY_EVENT] : [type];
}

/** The name the body carries: the event itself, or `timeEntry.create.update` for a subscription to that. */
export function hubPlannerEventNameFor(type: string, subscribedEvents: readonly string[]): string {
  if (subscribedEvents.includes(type)) return type;
  return COMBINED_MEMBERS.has(type) && subscribedEvents.includes(COMBINED_TIME_ENTRY_EVENT) ? COMBINED_TIME_ENTRY_EVENT : type;
}
