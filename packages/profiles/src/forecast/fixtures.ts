import type { CompatExamples, ProfileFixtures } from '../fixture.js';

/** Examples copied from the Forecast seed document (002_bc05eaa24c49dffb.txt). */

const taskCreated = {
  id: 1,
  name: 'Task created webhook subscription',
  type: 'TASK',
  event: 'CREATE',
  url: 'https://domain.com/webhook/task/created',
  active: true,
};

export const forecastCompatExamples = {
  list: [{ answer: [taskCreated] }],
  get: [{ answer: taskCreated }],
  create: [
    {
      request: { name: 'Task created webhook subscription', type: 'TASK', event: 'CREATE', url: 'https://domain.com/webhook/task/created' },
      answer: taskCreated,
    },
  ],
  // The document's request has a trailing comma (`{ "name": "…", }`), which is not JSON; this is it without.
  update: [{ request: { name: 'Webhook subscription with updated name' }, answer: { ...taskCreated, name: 'Webhook subscription with updated name' } }],
} satisfies CompatExamples;

/** The document's sample webhook. */
export const forecastSampleWebhook = {
  timestamp: '2021-09-23T07:30:00Z',
  event: 'task_updated',
  object: { id: 655383 },
  person: { id: 50363 },
  fields_changed: ['description'],
};

export const forecastFixtures: ProfileFixtures = {
  deliveries: [
    {
      name: 'Sample webhook: task_updated',
      event: { type: 'task_updated', data: { id: 655383 }, occurred_at: '2021-09-23T07:30:00.000Z', actor: { id: 50363 }, fields_changed: ['description'] },
      subscription: { events: ['task_updated'] },
      body: forecastSampleWebhook,
    },
    {
      name: 'fields_changed is only present on UPDATE hooks',
      event: { type: 'time_reg_created', data: { id: 77 }, occurred_at: '2021-09-23T07:31:00.000Z', actor: { id: 50363 }, fields_changed: ['minutes'] },
      subscription: { events: ['time_reg_created'] },
      body: { timestamp: '2021-09-23T07:31:00Z', event: 'time_reg_created', object: { id: 77 }, person: { id: 50363 } },
    },
  ],
  successStatuses: [200, 201, 202, 204, 299],
  failureStatuses: [199, 301, 302, 400, 404, 410, 500, 503],
};
