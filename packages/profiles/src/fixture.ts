import type { StoredEvent, Subscription } from '@hookfleet/core';
import type { CompatExample } from './compat.js';

/** One delivery a seed document shows: the event a producer publishes and what the receiver gets. */
export interface DeliveryFixture {
  /** Where in the seed document the example comes from. */
  name: string;
  event: Pick<StoredEvent, 'type' | 'data'> & Partial<StoredEvent>;
  subscription?: Partial<Subscription>;
  /** The body the document shows, as a JSON value; the delivered bytes are its compact JSON. */
  body: unknown;
  /** Headers the delivery must carry (values exact). */
  headers?: Record<string, string>;
  /** The clock of the attempt, for signatures that include a timestamp. */
  now?: string;
}

/** A profile's seed fixtures, used by its own tests and by the conformance suite. */
export interface ProfileFixtures {
  deliveries: readonly DeliveryFixture[];
  successStatuses: readonly number[];
  failureStatuses: readonly number[];
}

export type CompatExamples = Record<string, readonly CompatExample[]>;

/** A full event from a fixture's partial one. */
export function fixtureEvent(partial: DeliveryFixture['event'], profile: string): StoredEvent {
  return {
    id: 'evt_fixture',
    tenant: 'ten_fixture',
    profile,
    occurred_at: '2021-09-23T07:30:00.000Z',
    received_at: '2021-09-23T07:30:00.010Z',
    actor: null,
    fields_changed: null,
    visible_to: null,
    ...partial,
  };
}

/** A full subscription from a fixture's partial one. */
export function fixtureSubscription(partial: Partial<Subscription> | undefined, profile: string): Subscription {
  return {
    id: 'sub_fixture',
    tenant: 'ten_fixture',
    profile,
    url: 'https://receiver.example/hook',
    events: ['*'],
    secret: null,
    description: null,
    metadata: {},
    active: true,
    disabled_reason: null,
    created_by: null,
    delay_seconds: 0,
    rate_limit: null,
    compat: {},
    created_at: '2017-01-04T13:39:40.000Z',
    updated_at: '2017-01-04T13:39:40.000Z',
    ...partial,
  };
}
