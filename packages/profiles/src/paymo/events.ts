import { anObject, objectEventDescription } from '../event-description.js';
import type { EventTypeInfo } from '../profile.js';

/** The objects the seed document lists first, then those Paymo's current public docs add. */
export const PAYMO_OBJECTS = [
  'Client',
  'Project',
  'Tasklist',
  'Task',
  'Invoice',
  'Entry',
  'ClientContact',
  'InvoicePayment',
  'Milestone',
  'Report',
  'Expense',
  'Estimate',
  'Comment',
  'User',
  'Booking',
] as const;

const CRUD_ACTIONS = ['insert', 'update', 'delete'] as const;
/** Time entries also have timer events (`model.start.Entry`, `model.stop.Entry`). */
const TIMER_ACTIONS = ['start', 'stop'] as const;
export const PAYMO_ACTIONS = [...CRUD_ACTIONS, ...TIMER_ACTIONS] as const;
export type PaymoAction = (typeof PAYMO_ACTIONS)[number];

const PAST_TENSE: Record<PaymoAction, string> = {
  insert: 'created',
  update: 'updated',
  delete: 'deleted',
  start: 'started',
  stop: 'stopped',
};

/** "An invoice was created"; the timer actions: "An entry's timer was started". */
function describeAction(object: string, action: PaymoAction): string {
  if (action !== 'start' && action !== 'stop') return objectEventDescription(object, PAST_TENSE[action]);
  return `${anObject(object)}'s timer was ${PAST_TENSE[action]}`;
}

function actionsOf(object: string): readonly PaymoAction[] {
  return object === 'Entry' ? PAYMO_ACTIONS : CRUD_ACTIONS;
}

export const paymoEvents: readonly EventTypeInfo[] = PAYMO_OBJECTS.flatMap((object) =>
  actionsOf(object).map((action) => ({ type: `model.${action}.${object}`, description: describeAction(object, action) })),
);

const knownTypes = new Set(paymoEvents.map((event) => event.type));

export interface PaymoEventName {
  action: PaymoAction;
  object: string;
}

/** `model.insert.Task` → { action: 'insert', object: 'Task' }; null for anything else. */
export function parsePaymoEvent(type: string): PaymoEventName | null {
  if (!knownTypes.has(type)) return null;
  const [, action, object] = type.split('.') as [string, PaymoAction, string];
  return { action, object };
}

export function isPaymoEventType(type: string): boolean {
  return knownTypes.has(type);
}

/** `*`, `model.<action>.*` and `*.<Object>` are Paymo's wildcard events. */
export function isPaymoWildcard(pattern: string): boolean {
  if (pattern === '*') return true;
  const insertLike = /^model\.([a-z]+)\.\*$/.exec(pattern);
  if (insertLike) return (PAYMO_ACTIONS as readonly string[]).includes(insertLike[1] as string);
  const objectLike = /^\*\.([A-Za-z]+)$/.exec(pattern);
  return objectLike ? (PAYMO_OBJECTS as readonly string[]).includes(objectLike[1] as string) : false;
}

export function isPaymoSubscriptionEvent(pattern: string): boolean {
  return knownTypes.has(pattern) || isPaymoWildcard(pattern);
}

/** Every hook event that fires for this event type: itself, `*`, its action wildcard and its object wildcard. */
export function paymoPatternsFor(type: string): string[] {
  const parsed = parsePaymoEvent(type);
  if (!parsed) return [];
  return [type, '*', `model.${parsed.action}.*`, `*.${parsed.object}`];
}
