import type { EventTypeInfo } from '../profile.js';

export const PAYBOOK_EVENTS = ['credential_create', 'credential_update', 'refresh'] as const;

export const paybookEvents: readonly EventTypeInfo[] = [
  { type: 'credential_create', description: 'New credential was created' },
  { type: 'credential_update', description: 'Existing credential was updated' },
  { type: 'refresh', description: 'New or updated accounts or transactions of an existing credential' },
];

export function isPaybookEventType(type: string): boolean {
  return (PAYBOOK_EVENTS as readonly string[]).includes(type);
}
