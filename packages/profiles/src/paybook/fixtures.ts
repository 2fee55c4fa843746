import type { CompatExamples, ProfileFixtures } from '../fixture.js';
import { paybookSeedBodies as seed, paybookSeedWebhook } from './seed-bodies.js';

/** Examples copied from the Paybook Sync seed document (003_772cc36d85931202.txt). */

export const paybookCompatExamples = {
  create: [{ request: { url: 'https://webhook_domain/my_webhook', events: ['credential_create', 'credential_update', 'refresh'] } }],
  get: [{ answer: { rid: 'f3b1c0de5a6b7c8d9e0f1a2b3c4d5e6f', code: 200, errors: null, status: true, message: null, response: paybookSeedWebhook } }],
} satisfies CompatExamples;

function withoutEvent(object: Record<string, unknown>): Record<string, unknown> {
  const { event: _event, ...rest } = object;
  return rest;
}

export const paybookFixtures: ProfileFixtures = {
  deliveries: [
    { name: 'Events: credential_create', event: { type: 'credential_create', data: seed.credential_create }, subscription: { events: ['credential_create'] }, body: seed.credential_create },
    { name: 'Events: credential_update', event: { type: 'credential_update', data: seed.credential_update }, subscription: { events: ['credential_update'] }, body: seed.credential_update },
    { name: 'Events: refresh', event: { type: 'refresh', data: seed.refresh }, subscription: { events: ['refresh'] }, body: seed.refresh },
    {
      name: 'an object published without `event`, keys in any order, comes key-sorted with its event',
      event: { type: 'refresh', data: Object.fromEntries(Object.entries(withoutEvent(seed.refresh)).reverse()) },
      subscription: { events: ['credential_create', 'credential_update', 'refresh'] },
      body: seed.refresh,
    },
  ],
  successStatuses: [200, 201, 202, 204, 299],
  failureStatuses: [199, 301, 400, 404, 410, 500, 503],
};
