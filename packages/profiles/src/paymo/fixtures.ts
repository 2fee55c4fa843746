import type { CompatExamples, ProfileFixtures } from '../fixture.js';

/** Examples copied from the Paymo seed document (000_c1324ade9b8b988b.txt) and Paymo's current public docs. */

export const paymoTaskObject = {
  id: 109403,
  name: 'New Task',
  project_id: 59032,
  tasklist_id: 250019,
  user_id: 1093,
  complete: false,
  billable: true,
  flat_billing: false,
  seq: 1,
  description: '',
  price_per_hour: null,
  estimated_price: null,
  price: null,
  invoiced: false,
  invoice_item_id: null,
  due_date: null,
  start_date: null,
  budget_hours: null,
  users: [1093],
  created_on: '2016-09-29T09:46:55Z',
  updated_on: '2016-09-29T09:46:55Z',
  files_count: 0,
  comments_count: 0,
  project: { name: 'AT&T Flyer Design' },
  tasklist: { name: 'Planning' },
};

export const paymoCompatExamples = {
  list: [
    {
      answer: {
        hooks: [
          {
            id: 1,
            target_url: 'https://myapp.com/paymo-insert-task-hook',
            last_status_code: null,
            event: 'model.insert.Task',
            created_on: '2017-01-04T13:39:40Z',
            updated_on: '2017-01-04T13:39:40Z',
          },
          {
            id: 2,
            target_url: 'https://myapp.com/paymo-delete-task-hook',
            last_status_code: null,
            event: 'model.delete.Task',
            created_on: '2017-01-04T13:40:11Z',
            updated_on: '2017-01-04T13:40:11Z',
          },
        ],
      },
    },
  ],
  get: [
    {
      answer: {
        hooks: [
          {
            id: 1,
            target_url: 'https://myapp.com/paymo-insert-task-hook',
            last_status_code: 200,
            event: 'model.insert.Task',
            created_on: '2017-01-04T13:39:40Z',
            updated_on: '2017-01-04T13:39:40Z',
          },
        ],
      },
    },
  ],
  create: [
    { request: { target_url: 'https://myapp.com/paymo/notifications', event: 'model.insert.Task' } },
    { request: { event: 'model.insert.Task', target_url: 'https://app.com/notifications' } },
    // Paymo's current docs: a `where` filter, wildcard events and a signing secret.
    { request: { target_url: 'https://myapp.com/paymo/project-123-new-tasks', event: 'model.insert.Task', where: 'project_id=123' } },
    { request: { target_url: 'https://myapp.com/paymo/everything', event: '*' } },
    { request: { target_url: 'https://myapp.com/paymo/inserts', event: 'model.insert.*' } },
    { request: { target_url: 'https://myapp.com/paymo/tasks', event: '*.Task', secret: 'secret' } },
  ],
  update: [{ request: { target_url: 'https://myotherapp.com/notifications' } }],
} satisfies CompatExamples;

export const paymoFixtures: ProfileFixtures = {
  deliveries: [
    {
      name: 'Notifications: model.insert.Task sends the task object itself',
      event: { type: 'model.insert.Task', data: paymoTaskObject },
      subscription: { events: ['model.insert.Task'], compat: { id: 1 } },
      body: paymoTaskObject,
      headers: { 'X-Paymo-Webhook': '1', 'X-Paymo-Event': 'model.insert.Task' },
    },
    {
      name: 'Notifications: delete events send only { "id": N }',
      event: { type: 'model.delete.Task', data: { ...paymoTaskObject, id: 109404 } },
      subscription: { events: ['model.delete.Task'], compat: { id: 2 } },
      body: { id: 109404 },
      headers: { 'X-Paymo-Webhook': '2', 'X-Paymo-Event': 'model.delete.Task' },
    },
    {
      name: 'Webhook signatures: secret "secret" and body {"id":"1679584"}',
      event: { type: 'model.delete.Project', data: { id: '1679584' } },
      subscription: { events: ['*.Project'], secret: 'secret', compat: { id: 7 } },
      body: { id: '1679584' },
      headers: { 'X-Paymo-Signature': 'sha1=dc03736e396e70138bf7af4ffaa2948cde42dcf1', 'X-Paymo-Event': 'model.delete.Project' },
    },
  ],
  successStatuses: [200, 201, 202, 204, 299],
  failureStatuses: [199, 301, 400, 404, 410, 429, 500, 503],
};
