import { objectEventDescription } from '../event-description.js';
import type { EventTypeInfo } from '../profile.js';

/** The seed's events, and the Invoice ones Gigapay's current API reference also lists (docs/profiles.md, "gigapay"). */
export const GIGAPAY_EVENTS = [
  'Employee.created',
  'Employee.notified',
  'Employee.claimed',
  'Employee.verified',
  'Payout.created',
  'Payout.notified',
  'Payout.accepted',
  'Payrun.created',
  'Payrun.paid',
  'Invoice.created',
  'Invoice.paid',
  'Registration.verified',
] as const;

export const gigapayEvents: readonly EventTypeInfo[] = GIGAPAY_EVENTS.map((type) => {
  const [object, action] = type.split('.') as [string, string];
  return { type, description: `${objectEventDescription(object, action)}${object === 'Registration' ? ' (user-scoped: needs no Integration-ID)' : ''}` };
});

export function isGigapayEventType(type: string): boolean {
  return (GIGAPAY_EVENTS as readonly string[]).includes(type);
}

/** Registration events belong to the user, not to an integration. */
export function isUserScopedEvent(type: string): boolean {
  return type.startsWith('Registration.');
}
