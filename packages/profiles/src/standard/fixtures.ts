import type { ProfileFixtures } from '../fixture.js';

/** Standard Webhooks: `{ type, timestamp, data }`, any 2xx. */
export const standardFixtures: ProfileFixtures = {
  deliveries: [
    {
      name: 'an invoice.paid event',
      event: { type: 'invoice.paid', data: { invoice: 'inv_1', amount: 4200 }, occurred_at: '2026-11-24T10:00:00.000Z' },
      subscription: { events: ['invoice.*'] },
      body: { type: 'invoice.paid', timestamp: '2026-11-24T10:00:00.000Z', data: { invoice: 'inv_1', amount: 4200 } },
    },
  ],
  successStatuses: [200, 201, 202, 204, 299],
  failureStatuses: [199, 301, 400, 410, 500],
};
