import type { CompatExamples, ProfileFixtures } from '../fixture.js';

/** Examples copied from the Gigapay seed document (004_204db94b446f424c.txt) and Gigapay's public docs (an Employee). */

const payoutsWebhook = {
  id: '38a93e19-886a-4246-9cfe-471214ff6739',
  url: 'https://jobmatchr.se/webhooks/payouts/',
  events: ['Payout.notified', 'Payout.accepted'],
  secret_key: 'c1329a085d65f7757838df5920fdcc9a',
  metadata: {},
};

export const gigapayCompatExamples = {
  list: [
    {
      answer: {
        count: 4,
        next: null,
        previous: 'https://api.gigapay.se/v2/webhooks/?page=2',
        results: [
          payoutsWebhook,
          {
            id: '0630bfcf-ad0a-458a-9794-816b54b542b6',
            url: 'https://jobmatchr.se/webhooks/employees/',
            events: ['Employee.verified'],
            secret_key: '1fc0ee40ecf33f83cbd3f930443074ca',
            metadata: {},
          },
        ],
      },
    },
  ],
  create: [
    { request: { url: 'https://jobmatchr.se/webhooks/payouts/', events: ['Payout.created'] }, answer: { ...payoutsWebhook, events: ['Payout.created'] } },
    // The shell example posts this body (its URL argument is a slip in the document).
    { request: { url: 'http://0.0.0.0:8000/', events: ['Payout.created'] } },
  ],
  get: [{ answer: { ...payoutsWebhook, events: ['Payout.created'] } }],
  update: [
    {
      request: { events: ['Payout.created', 'Payout.notified'] },
      answer: { ...payoutsWebhook, id: '481272', events: ['Payout.created', 'Payout.notified'] },
    },
  ],
  replace: [
    {
      request: { url: 'https://jobmatchr.se/webhooks/payruns/', events: ['Payrun.created'] },
      answer: { id: '481272', url: 'https://jobmatchr.se/webhooks/payruns/', events: ['Payrun.created'], secret_key: 'vksnrsc6tamq73tc26rzrnzf33a4pgdv', metadata: {} },
    },
  ],
} satisfies CompatExamples;

/** The Employee object of Gigapay's `Employee.verified` example. */
export const gigapayEmployee = {
  id: '25d2af38-59b9-4f73-9452-51787fed5c84',
  name: 'Karl Karlsson',
  cellphone_number: null,
  email: 'karl.karlsson@gmail.com',
  metadata: { user_id: 3 },
  created_at: '2019-05-20T15:33:08.974624Z',
  notified_at: '2019-05-20T15:33:12.581720Z',
  claimed_at: '2019-05-21T09:13:32.575721Z',
  verified_at: '2019-05-21T09:13:48.625263Z',
  invitation_code: null,
};

export const gigapayFixtures: ProfileFixtures = {
  deliveries: [
    {
      name: 'Employee.verified: the object itself, signed t=<unix>,v1=<hex HMAC-SHA256 of "t.body">',
      event: { type: 'Employee.verified', data: gigapayEmployee },
      subscription: { events: ['Employee.verified'], secret: 'c1329a085d65f7757838df5920fdcc9a' },
      body: gigapayEmployee,
      now: '2020-03-04T13:08:21.000Z',
      // Computed independently (Python's hmac) for t=1583327301 and the compact body.
      headers: { 'Gigapay-Signature': 't=1583327301,v1=df5b433a6faa71cb3a35293439897dbfc2b322829f84731a9130507dc9b7b6e2' },
    },
  ],
  successStatuses: [200, 201, 202, 204, 299],
  failureStatuses: [199, 301, 400, 404, 410, 500, 503],
};
